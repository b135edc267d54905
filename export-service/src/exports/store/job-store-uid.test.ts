import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { useTempDir } from '../../../test/support/temp-dir';
import { SqlJobStore } from './sql-job-store';

const jane = { uid: 'u-jane', login: 'jane', email: 'jane@acme.test', name: 'Jane' };
const order = {
  logType: 'access' as const,
  format: 'csv' as const,
  from: '2026-11-20T09:00:00.000Z',
  to: '2026-11-20T11:00:00.000Z',
  filters: {},
  timezone: 'UTC',
};

describe('JobStore: jobs belong to the Grafana user id', () => {
  const dir = useTempDir('auditlens-jobstore-');

  it('lists jobs by uid, so a renamed user keeps them and a new owner of the login sees none', async () => {
    const store = await SqlJobStore.open({ dialect: 'sqlite', file: join(dir(), 'jobs.sqlite') });
    const job = await store.create({ ...order, requester: jane });
    expect((await store.get(job.id))!.requester).toEqual(jane);
    expect((await store.listFor('u-jane')).map((j) => j.id)).toEqual([job.id]);
    expect(await store.listFor('u-someone-else')).toEqual([]);
    await store.close();
  });

  it('adds the uid column to a database of the previous version, keeping its jobs owned by nobody', async () => {
    const path = join(dir(), 'jobs.sqlite');
    // The schema of the release before uids were recorded, with one job in it.
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE jobs (
      id TEXT PRIMARY KEY, login TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL,
      log_type TEXT NOT NULL, format TEXT NOT NULL, range_from TEXT NOT NULL, range_to TEXT NOT NULL,
      filters TEXT NOT NULL, timezone TEXT NOT NULL, status TEXT NOT NULL,
      rows INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, error TEXT,
      attempts INTEGER NOT NULL DEFAULT 0, file_path TEXT, expires_at TEXT,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`);
    old
      .prepare(
        `INSERT INTO jobs (id, login, email, name, log_type, format, range_from, range_to, filters, timezone, status, created_at, updated_at)
         VALUES ('old-1', 'jane', 'jane@acme.test', 'Jane', 'access', 'csv', ?, ?, '{}', 'UTC', 'queued', ?, ?)`
      )
      .run(order.from, order.to, order.from, order.from);
    old.close();

    const store = await SqlJobStore.open({ dialect: 'sqlite', file: path });
    expect((await store.get('old-1'))!.requester).toEqual({
      uid: null,
      login: 'jane',
      email: 'jane@acme.test',
      name: 'Jane',
    });
    const fresh = await store.create({ ...order, requester: jane });
    expect((await store.listFor('u-jane')).map((j) => j.id)).toEqual([fresh.id]);
    await store.close();
    // Opening it again finds the column there and changes nothing.
    const again = await SqlJobStore.open({ dialect: 'sqlite', file: path });
    expect((await again.get(fresh.id))!.requester.uid).toBe('u-jane');
    await again.close();
  });
});
