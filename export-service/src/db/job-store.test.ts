import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { useTempDir } from '../../test/support/temp-dir';
import { JobStore, type NewExport } from './job-store';

const at = (login: string): NewExport => ({
  requester: { uid: `u-${login}`, login, email: `${login}@acme.test`, name: login },
  logType: 'access',
  format: 'csv',
  from: '2026-11-20T09:00:00.000Z',
  to: '2026-11-20T10:00:00.000Z',
  filters: {},
  timezone: 'UTC',
});

describe('JobStore', () => {
  const dir = useTempDir('job-store-');
  let clock: number;
  let store: JobStore;
  beforeEach(() => {
    clock = Date.parse('2026-11-20T10:00:00Z');
    // Every call moves the clock on, so creation and start times are distinct and ordered.
    store = new JobStore(join(dir(), 'jobs.sqlite'), () => new Date((clock += 1000)));
  });
  afterEach(() => store.close());

  it('takes jobs fairly: users whose last job started longest ago first, at most one running per user', () => {
    const a = [store.create(at('ann')), store.create(at('ann')), store.create(at('ann'))];
    const b = store.create(at('bob'));
    const c = store.create(at('cy'));
    const order: string[] = [];
    const claim = () => {
      const job = store.claimExport(1);
      if (job) order.push(job.id);
      return job;
    };
    claim(); // ann's first
    claim(); // bob: ann has one running
    claim(); // cy
    expect(claim()).toBeUndefined(); // everyone waiting has one running
    store.update(a[0]!.id, { status: 'done' });
    store.update(b.id, { status: 'done' });
    claim(); // ann again: bob has nothing queued
    expect(order).toEqual([a[0]!.id, b.id, c.id, a[1]!.id]);
    const d = store.create(at('dee'));
    store.update(a[1]!.id, { status: 'done' });
    store.update(c.id, { status: 'done' });
    // dee never started a job, ann did: dee first, though ann's job is older.
    expect(store.claimExport(1)!.id).toBe(d.id);
    expect(store.claimExport(1)!.id).toBe(a[2]!.id);
  });

  it('leaves a job queued for a later attempt until it is due', () => {
    const j = store.create(at('ann'));
    store.update(j.id, { nextAttemptAt: new Date(clock + 60_000).toISOString() });
    expect(store.claimExport()).toBeUndefined();
    clock += 120_000;
    expect(store.claimExport()).toMatchObject({
      id: j.id,
      status: 'running',
      attempts: 1,
      nextAttemptAt: null,
    });
  });

  it('makes at most one job from a grant', () => {
    expect(store.createFromGrant(at('ann'), 'digest-1')).toBeDefined();
    expect(store.createFromGrant(at('ann'), 'digest-1')).toBeUndefined();
    expect(store.createFromGrant(at('ann'), 'digest-2')).toBeDefined();
    expect(store.listFor('u-ann')).toHaveLength(2);
  });

  it("counts a user's exports on their way and what they used in a period", () => {
    const done = store.create(at('ann'));
    store.update(done.id, { status: 'done', rows: 100, bytes: 5000, filePath: '/f' });
    const noFile = store.create(at('ann'));
    store.update(noFile.id, { status: 'failed', rows: 7 });
    const mailFailed = store.create(at('ann'));
    store.update(mailFailed.id, { status: 'failed', rows: 20, bytes: 1000, filePath: '/g' });
    const waiting = store.create(at('ann'));
    store.update(waiting.id, { status: 'waiting_for_mail', rows: 1, bytes: 10, filePath: '/h' });
    store.create(at('ann'));
    store.create(at('bob'));
    expect(store.activeCount('u-ann')).toBe(2);
    expect(store.usageSince('u-ann', new Date(0))).toEqual({
      rows: 121,
      bytes: 6010,
      oldestAt: done.createdAt,
    });
    expect(store.usageSince('u-ann', new Date(clock + 1))).toEqual({ rows: 0, bytes: 0, oldestAt: null });
  });

  it('puts back what a stopped process left: running jobs queued (or failed past their attempts), mails due', () => {
    const running = store.create(at('ann'));
    const worn = store.create(at('bob'));
    const sending = store.create(at('cy'));
    store.claimExport();
    store.claimExport();
    store.update(worn.id, { attempts: 3 });
    store.update(sending.id, { status: 'sending' });
    expect(store.recoverInterrupted(3)).toEqual([worn.id]);
    expect(store.get(running.id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(store.get(worn.id)).toMatchObject({ status: 'failed' });
    expect(store.get(sending.id)).toMatchObject({ status: 'waiting_for_mail' });
    expect(store.claimMail()).toMatchObject({ id: sending.id, status: 'sending', mailAttempts: 1 });
  });

  it('opens a database of the first release, adding the new columns', () => {
    store.close();
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
    old.close();
    store = new JobStore(path, () => new Date(clock));
    // A file of the first release whose mail failed had no expiry: it counts as expired, so it is deleted.
    expect(store.get('old-1')).toMatchObject({ mailAttempts: 0, nextAttemptAt: null, downloadable: false });
    expect(store.expired().map((j) => j.id)).toEqual(['old-1']);
    expect(store.createFromGrant(at('ann'), 'g')).toBeDefined();
  });
});
