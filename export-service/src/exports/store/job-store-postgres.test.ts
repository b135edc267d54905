import { Client } from 'pg';
import { announce, hasPostgres, startPostgres, type PostgresServer } from '@auditlens/testkit';
import { postgresRelease } from '../../../test/support/legacy-job-schemas';
import type { NewExport } from './job-store';
import { SqlJobStore } from './sql-job-store';

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
if (!hasPostgres())
  announce('SqlJobStore on Postgres: skipped, no Postgres binaries (apt-get install postgresql)');

maybe('SqlJobStore on a real Postgres', () => {
  let pg: PostgresServer;
  let n = 0;
  const clock = Date.parse('2026-11-20T10:00:00Z');
  const stores: SqlJobStore[] = [];
  const open = async (url: string, leaseMs = 30_000) => {
    const store = await SqlJobStore.open({ dialect: 'postgres', url }, { leaseMs });
    stores.push(store);
    return store;
  };
  beforeAll(async () => {
    pg = await startPostgres('SqlJobStore on Postgres');
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
      const applied = await client.query('SELECT feature, name FROM auditlens_migrations');
      expect(applied.rows).toEqual([{ feature: 'exports', name: '001-export-jobs' }]);
      // The earlier releases' record stays true, so one of them started beside this one leaves the table be.
      const versions = await client.query('SELECT version FROM auditlens_schema_migrations ORDER BY version');
      expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }]);
      const jobs = await client.query('SELECT id, filters FROM export_jobs');
      expect(jobs.rows).toEqual([{ id: job.id, filters: {} }]);
    } finally {
      await client.end();
    }
  });

  it('opens a database of the release before (schema version 2) and keeps its jobs as they were', async () => {
    const url = await pg.createDatabase(`before_${++n}`);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await postgresRelease(client, 2);
      // A finished job with a file, and one running under a lease that ran out, as that release wrote them.
      await client.query(
        `INSERT INTO export_jobs (id, uid, login, email, name, log_type, format, range_from, range_to, filters,
           timezone, status, rows, bytes, attempts, file_path, expires_at, created_at, updated_at, grant_digest,
           started_at, mail_attempts, mail_since, estimated_rows)
         VALUES ('old-done', 'u-ann', 'ann', 'ann@acme.test', 'Ann', 'access', 'xlsx', $1, $2, '{"user":"ann"}',
           'Europe/Paris', 'done', 1234567890123, 4096, 1, 'old-done.xlsx', '2026-11-23T10:00:00Z',
           '2026-11-20T09:00:00Z', '2026-11-20T09:30:00Z', 'grant-1', '2026-11-20T09:01:00Z', 1,
           '2026-11-20T09:20:00Z', 1234567890000)`,
        ['2026-11-19T00:00:00.000Z', '2026-11-20T00:00:00.000Z']
      );
      await client.query(
        `INSERT INTO export_jobs (id, uid, login, email, name, log_type, format, range_from, range_to, filters,
           timezone, status, attempts, created_at, updated_at, started_at, lease_owner, lease_until)
         VALUES ('old-running', 'u-bob', 'bob', 'bob@acme.test', 'Bob', 'access', 'csv', 'a', 'b', '{}', 'UTC',
           'running', 1, '2026-11-20T09:10:00Z', '2026-11-20T09:10:00Z', '2026-11-20T09:10:00Z',
           'gone-host:1:aaaaaaaa:bbbbbbbb', '2026-11-20T09:11:00Z')`
      );
    } finally {
      await client.end();
    }
    const store = await SqlJobStore.open({ dialect: 'postgres', url }, { now: () => new Date(clock) });
    stores.push(store);
    expect(await store.get('old-done')).toEqual({
      id: 'old-done',
      logType: 'access',
      format: 'xlsx',
      from: '2026-11-19T00:00:00.000Z',
      to: '2026-11-20T00:00:00.000Z',
      filters: { user: 'ann' },
      timezone: 'Europe/Paris',
      status: 'done',
      rows: 1234567890123,
      estimatedRows: 1234567890000,
      bytes: 4096,
      error: null,
      createdAt: '2026-11-20T09:00:00.000Z',
      updatedAt: '2026-11-20T09:30:00.000Z',
      downloadable: true,
      nextAttemptAt: null,
      expiresAt: '2026-11-23T10:00:00.000Z',
      requester: { uid: 'u-ann', login: 'ann', email: 'ann@acme.test', name: 'Ann' },
      attempts: 1,
      filePath: 'old-done.xlsx',
      mailAttempts: 1,
      mailSince: '2026-11-20T09:20:00.000Z',
      lease: null,
    });
    expect(await store.usageSince('u-ann', new Date('2026-11-20T00:00:00Z'))).toEqual({
      rows: 1234567890123,
      bytes: 4096,
      oldestAt: '2026-11-20T09:00:00.000Z',
    });
    // Its grant was used: not twice.
    expect(await store.createFromGrant(at('ann'), 'grant-1')).toBeUndefined();
    // The running job's replica is gone: taken up again.
    expect(await store.recoverInterrupted(3)).toEqual([]);
    expect((await store.claimExport())!.id).toBe('old-running');
    expect((await store.listFor('u-ann')).map((j) => j.id)).toEqual(['old-done']);
  });

  it('adds the estimate column to a database of the first release (schema version 1) and keeps its jobs', async () => {
    const url = await pg.createDatabase(`upgrade_${++n}`);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await postgresRelease(client, 1);
      await client.query(
        `INSERT INTO export_jobs (id, uid, login, email, name, log_type, format, range_from, range_to, filters,
           timezone, status, created_at, updated_at)
         VALUES ('v1', 'u-ann', 'ann', 'ann@acme.test', 'Ann', 'access', 'csv', 'a', 'b', '{}', 'UTC', 'queued',
           '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z')`
      );
    } finally {
      await client.end();
    }
    const upgraded = await open(url);
    expect(await upgraded.get('v1')).toMatchObject({ id: 'v1', status: 'queued', estimatedRows: null });
    await upgraded.update('v1', { estimatedRows: 12_345 });
    expect(await upgraded.get('v1')).toMatchObject({ estimatedRows: 12_345 });
    const check = new Client({ connectionString: url });
    await check.connect();
    try {
      const versions = await check.query('SELECT version FROM auditlens_schema_migrations ORDER BY version');
      expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }]);
    } finally {
      await check.end();
    }
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
      SqlJobStore.open({
        dialect: 'postgres',
        url: `postgres://postgres@127.0.0.1:${pg.port}/no_such_database`,
      })
    ).rejects.toThrow(/no_such_database/);
  });
});
