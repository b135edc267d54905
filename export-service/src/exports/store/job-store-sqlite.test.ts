import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { useTempDir } from '../../../test/support/temp-dir';
import { sqliteLastRelease } from '../../../test/support/legacy-job-schemas';
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

describe('SqlJobStore on SQLite', () => {
  const dir = useTempDir('job-store-');
  const clock = Date.parse('2026-11-20T10:00:00Z');

  it('takes up at once what the previous process left: one process uses the file, so its claims are gone', async () => {
    const path = join(dir(), 'jobs.sqlite');
    const before = await SqlJobStore.open({ dialect: 'sqlite', file: path }, { now: () => new Date(clock) });
    const running = await before.create(at('ann'));
    const sending = await before.create(at('bob'));
    await before.claimExport();
    await before.update(sending.id, { status: 'waiting_for_mail', filePath: 'f.csv' });
    await before.claimMail();
    // Its own claims are its own: nothing to put back while it runs.
    expect(await before.recoverInterrupted(3)).toEqual([]);
    expect((await before.get(running.id))!.status).toBe('running');
    await before.close();
    // The next start, on the same clock: no lease has run out, yet both are put back.
    const after = await SqlJobStore.open({ dialect: 'sqlite', file: path }, { now: () => new Date(clock) });
    expect(await after.recoverInterrupted(3)).toEqual([]);
    expect(await after.get(running.id)).toMatchObject({ status: 'queued', attempts: 1, lease: null });
    expect(await after.get(sending.id)).toMatchObject({ status: 'waiting_for_mail', lease: null });
    await after.close();
  });

  it('opens a database of the first release, adding the new columns', async () => {
    const path = join(dir(), 'old.sqlite');
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE jobs (
       id TEXT PRIMARY KEY, login TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL,
       log_type TEXT NOT NULL, format TEXT NOT NULL, range_from TEXT NOT NULL, range_to TEXT NOT NULL,
       filters TEXT NOT NULL, timezone TEXT NOT NULL, status TEXT NOT NULL,
       rows INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, error TEXT,
       attempts INTEGER NOT NULL DEFAULT 0, file_path TEXT, expires_at TEXT,
       created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`);
    old.exec(`INSERT INTO jobs (id, login, email, name, log_type, format, range_from, range_to, filters, timezone,
       status, file_path, created_at, updated_at) VALUES ('old-1', 'ann', 'ann@acme.test', 'Ann', 'access', 'csv',
       'a', 'b', '{}', 'UTC', 'failed', '/data/files/old-1.csv', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
    old.exec(`INSERT INTO jobs (id, login, email, name, log_type, format, range_from, range_to, filters, timezone,
       status, attempts, created_at, updated_at) VALUES ('old-2', 'ann', 'ann@acme.test', 'Ann', 'access', 'csv',
       'a', 'b', '{}', 'UTC', 'running', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`);
    old.close();
    const store = await SqlJobStore.open({ dialect: 'sqlite', file: path }, { now: () => new Date(clock) });
    // A file of the first release whose mail failed had no expiry: it counts as expired, so it is deleted.
    expect(await store.get('old-1')).toMatchObject({
      mailAttempts: 0,
      nextAttemptAt: null,
      downloadable: false,
      lease: null,
    });
    expect((await store.expired()).map((j) => j.id)).toEqual(['old-1']);
    expect(await store.createFromGrant(at('ann'), 'g')).toBeDefined();
    // A job running when the old release stopped has no lease: it is put back.
    await store.recoverInterrupted(3);
    expect(await store.get('old-2')).toMatchObject({ status: 'queued' });
    await store.close();
  });

  it('opens a file of the release before (its `jobs` table, every column) and keeps its jobs as they were', async () => {
    const path = join(dir(), 'jobs.sqlite');
    const old = new DatabaseSync(path);
    sqliteLastRelease(old);
    old.exec(`INSERT INTO jobs (id, uid, login, email, name, log_type, format, range_from, range_to, filters,
       timezone, status, rows, bytes, attempts, file_path, expires_at, created_at, updated_at, grant_digest,
       started_at, mail_attempts, mail_since, estimated_rows)
       VALUES ('old-done', 'u-ann', 'ann', 'ann@acme.test', 'Ann', 'access', 'xlsx', 'a', 'b', '{"user":"ann"}',
       'Europe/Paris', 'done', 120, 4096, 1, 'old-done.xlsx', '2026-11-23T10:00:00.000Z',
       '2026-11-20T09:00:00.000Z', '2026-11-20T09:30:00.000Z', 'grant-1', '2026-11-20T09:01:00.000Z', 1,
       '2026-11-20T09:20:00.000Z', 100)`);
    old.exec(`INSERT INTO jobs (id, uid, login, email, name, log_type, format, range_from, range_to, filters,
       timezone, status, attempts, created_at, updated_at, started_at, lease_owner, lease_until)
       VALUES ('old-running', 'u-bob', 'bob', 'bob@acme.test', 'Bob', 'access', 'csv', 'a', 'b', '{}', 'UTC',
       'running', 1, '2026-11-20T09:10:00.000Z', '2026-11-20T09:10:00.000Z', '2026-11-20T09:10:00.000Z',
       'host:1:aaaaaaaa:bbbbbbbb', '2099-01-01T00:00:00.000Z')`);
    old.close();
    const store = await SqlJobStore.open({ dialect: 'sqlite', file: path }, { now: () => new Date(clock) });
    expect(await store.get('old-done')).toEqual({
      id: 'old-done',
      logType: 'access',
      format: 'xlsx',
      from: 'a',
      to: 'b',
      filters: { user: 'ann' },
      timezone: 'Europe/Paris',
      status: 'done',
      rows: 120,
      estimatedRows: 100,
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
    // Its grant was used: not twice.
    expect(await store.createFromGrant(at('ann'), 'grant-1')).toBeUndefined();
    // The process that held the running job is gone (one process uses the file), though its lease has not run out.
    await store.recoverInterrupted(3);
    expect((await store.claimExport())!.id).toBe('old-running');
    await store.close();
    // The jobs' table named as on Postgres, with today's indexes only (the primary keys' are SQLite's own).
    const after = new DatabaseSync(path);
    const objects = after
      .prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
      .all();
    after.close();
    expect(objects).toEqual([
      { type: 'index', name: 'export_jobs_by_grant' },
      { type: 'index', name: 'export_jobs_by_lease' },
      { type: 'index', name: 'export_jobs_by_status' },
      { type: 'index', name: 'export_jobs_by_uid' },
      { type: 'table', name: 'auditlens_migrations' },
      { type: 'table', name: 'export_jobs' },
    ]);
  });
});
