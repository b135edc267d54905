import { Client } from 'pg';
import { announce, hasPostgres, startPostgres, type PostgresServer } from '@auditlens/testkit';
import type { NewExport } from './job-store';
import { PostgresJobStore } from './postgres-job-store';

const at = (login: string): NewExport => ({
  requester: { uid: `u-${login}`, login, email: `${login}@acme.test`, name: login },
  logType: 'access',
  format: 'csv',
  from: '2026-11-20T09:00:00.000Z',
  to: '2026-11-20T10:00:00.000Z',
  filters: {},
  timezone: 'UTC',
});

const maybe = hasPostgres() ? describe : describe.skip;
if (!hasPostgres()) announce('PostgresJobStore: skipped, no Postgres binaries (apt-get install postgresql)');

maybe('PostgresJobStore on a real Postgres', () => {
  let pg: PostgresServer;
  let n = 0;
  const stores: PostgresJobStore[] = [];
  const open = async (url: string, leaseMs = 30_000) => {
    const store = await PostgresJobStore.open(url, { leaseMs });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    pg = await startPostgres('PostgresJobStore');
  }, 120_000);
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await pg?.dispose();
  });

  it('migrates the schema once when replicas start together, and again changes nothing', async () => {
    const url = await pg.createDatabase(`migrate_${++n}`);
    const [a] = await Promise.all([open(url), open(url), open(url)]);
    const job = await a!.create(at('ann'));
    await open(url);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const versions = await client.query('SELECT version FROM auditlens_schema_migrations ORDER BY version');
      expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }]);
      const jobs = await client.query('SELECT id, filters FROM export_jobs');
      expect(jobs.rows).toEqual([{ id: job.id, filters: {} }]);
    } finally {
      await client.end();
    }
  });

  it('adds the estimate column to a database made by the first release and keeps its jobs', async () => {
    const url = await pg.createDatabase(`upgrade_${++n}`);
    const first = await open(url);
    const job = await first.create(at('ann'));
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      // What the first release left: schema version 1, no estimate column.
      await client.query('ALTER TABLE export_jobs DROP COLUMN estimated_rows');
      await client.query('DELETE FROM auditlens_schema_migrations WHERE version = 2');
    } finally {
      await client.end();
    }
    const upgraded = await open(url);
    expect(await upgraded.get(job.id)).toMatchObject({ id: job.id, estimatedRows: null });
    await upgraded.update(job.id, { estimatedRows: 12_345 });
    expect(await upgraded.get(job.id)).toMatchObject({ estimatedRows: 12_345 });
  });

  it('does not take over a job whose holder still renews its lease', async () => {
    const url = await pg.createDatabase(`lease_${++n}`);
    const a = await open(url, 60_000);
    const b = await open(url, 60_000);
    const job = await a.create(at('ann'));
    const claimed = (await a.claimExport())!;
    expect(await b.recoverInterrupted(3)).toEqual([]);
    expect(await b.get(job.id)).toMatchObject({ status: 'running', lease: claimed.lease });
    expect(await b.claimExport()).toBeUndefined();
    expect(claimed.lease).toMatch(/^[^:]+:\d+:[0-9a-f]{8}:[0-9a-f]{8}$/);
    expect(claimed.lease!.split(':')[1]).toBe(String(process.pid));
  });

  it('skips a job another transaction holds locked instead of waiting for it', async () => {
    const url = await pg.createDatabase(`skip_${++n}`);
    const store = await open(url);
    const first = await store.create(at('ann'));
    const second = await store.create(at('bob'));
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT id FROM export_jobs WHERE id = $1 FOR UPDATE', [first.id]);
      expect((await store.claimExport())!.id).toBe(second.id);
      await client.query('COMMIT');
      expect((await store.claimExport())!.id).toBe(first.id);
    } finally {
      await client.end();
    }
  });

  it('refuses to start on a database it cannot reach, saying why', async () => {
    await expect(
      PostgresJobStore.open(`postgres://postgres@127.0.0.1:${pg.port}/no_such_database`)
    ).rejects.toThrow(/no_such_database/);
  });
});
