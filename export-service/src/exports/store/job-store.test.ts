import { describeEachStore } from '../../../test/support/job-stores';
import type { Admission, JobStore, NewExport, Usage } from './job-store';

const at = (login: string): NewExport => ({
  requester: { uid: `u-${login}`, login, email: `${login}@acme.test`, name: login },
  logType: 'access',
  format: 'csv',
  from: '2026-11-20T09:00:00.000Z',
  to: '2026-11-20T10:00:00.000Z',
  filters: { user: login },
  timezone: 'UTC',
});

const LEASE_MS = 30_000;

/** Admits while the requester has fewer than `max` exports on their way. */
const atMost = (max: number): Admission => ({
  usageSince: new Date(0),
  admit(active: number, _used: Usage) {
    if (active >= max) throw new Error(`busy: ${active}`);
  },
});

describeEachStore('JobStore', (ctx) => {
  let clock: number;
  let store: JobStore;
  // Every call moves the clock on, so creation and start times are distinct and ordered.
  const ticking = () => new Date((clock += 1000));
  beforeEach(async () => {
    clock = Date.parse('2026-11-20T10:00:00Z');
    store = await ctx.open({ now: ticking, leaseMs: LEASE_MS });
  });

  it('takes jobs fairly: users whose last job started longest ago first, at most one running per user', async () => {
    const a = [await store.create(at('ann')), await store.create(at('ann')), await store.create(at('ann'))];
    const b = await store.create(at('bob'));
    const c = await store.create(at('cy'));
    const order: string[] = [];
    const claim = async () => {
      const job = await store.claimExport(1);
      if (job) order.push(job.id);
      return job;
    };
    await claim(); // ann's first
    await claim(); // bob: ann has one running
    await claim(); // cy
    expect(await claim()).toBeUndefined(); // everyone waiting has one running
    await store.update(a[0]!.id, { status: 'done' });
    await store.update(b.id, { status: 'done' });
    await claim(); // ann again: bob has nothing queued
    expect(order).toEqual([a[0]!.id, b.id, c.id, a[1]!.id]);
    const d = await store.create(at('dee'));
    await store.update(a[1]!.id, { status: 'done' });
    await store.update(c.id, { status: 'done' });
    // dee never started a job, ann did: dee first, though ann's job is older.
    expect((await store.claimExport(1))!.id).toBe(d.id);
    expect((await store.claimExport(1))!.id).toBe(a[2]!.id);
  });

  it('keeps what was asked for and answers it as it was stored', async () => {
    const job = await store.create(at('ann'));
    expect(await store.get(job.id)).toEqual(job);
    expect(job).toMatchObject({
      status: 'queued',
      logType: 'access',
      format: 'csv',
      from: '2026-11-20T09:00:00.000Z',
      to: '2026-11-20T10:00:00.000Z',
      filters: { user: 'ann' },
      timezone: 'UTC',
      rows: 0,
      estimatedRows: null,
      bytes: 0,
      error: null,
      attempts: 0,
      filePath: null,
      downloadable: false,
      lease: null,
      requester: { uid: 'u-ann', login: 'ann', email: 'ann@acme.test', name: 'ann' },
    });
    expect(await store.get('no-such-job')).toBeUndefined();
    // The estimate of a running export: set under its lease, read back as a number (Postgres keeps a BIGINT).
    const claimed = (await store.claimExport())!;
    expect(await store.updateHeld(claimed, { estimatedRows: 5_000_000_000 })).toBe(true);
    expect(await store.get(job.id)).toMatchObject({ status: 'running', estimatedRows: 5_000_000_000 });
  });

  it('leaves a job queued for a later attempt until it is due', async () => {
    const j = await store.create(at('ann'));
    await store.update(j.id, { nextAttemptAt: new Date(clock + 60_000).toISOString() });
    expect(await store.claimExport()).toBeUndefined();
    clock += 120_000;
    expect(await store.claimExport()).toMatchObject({
      id: j.id,
      status: 'running',
      attempts: 1,
      nextAttemptAt: null,
    });
  });

  it('makes at most one job from a grant', async () => {
    expect(await store.createFromGrant(at('ann'), 'digest-1')).toBeDefined();
    expect(await store.createFromGrant(at('ann'), 'digest-1')).toBeUndefined();
    expect(await store.createFromGrant(at('ann'), 'digest-2')).toBeDefined();
    expect(await store.listFor('u-ann')).toHaveLength(2);
  });

  it('lists a user’s jobs newest first, and only theirs', async () => {
    const first = await store.create(at('ann'));
    await store.create(at('bob'));
    const second = await store.create(at('ann'));
    expect((await store.listFor('u-ann')).map((j) => j.id)).toEqual([second.id, first.id]);
    expect((await store.listFor('u-ann', 1)).map((j) => j.id)).toEqual([second.id]);
    expect(await store.listFor('u-nobody')).toEqual([]);
  });

  it("counts a user's exports on their way and what they used in a period", async () => {
    const done = await store.create(at('ann'));
    await store.update(done.id, { status: 'done', rows: 100, bytes: 5000, filePath: 'f.csv' });
    const noFile = await store.create(at('ann'));
    await store.update(noFile.id, { status: 'failed', rows: 7 });
    const mailFailed = await store.create(at('ann'));
    await store.update(mailFailed.id, { status: 'failed', rows: 20, bytes: 1000, filePath: 'g.csv' });
    const waiting = await store.create(at('ann'));
    await store.update(waiting.id, { status: 'waiting_for_mail', rows: 1, bytes: 10, filePath: 'h.csv' });
    await store.create(at('ann'));
    await store.create(at('bob'));
    expect(await store.activeCount('u-ann')).toBe(2);
    expect(await store.usageSince('u-ann', new Date(0))).toEqual({
      rows: 121,
      bytes: 6010,
      oldestAt: done.createdAt,
    });
    expect(await store.usageSince('u-ann', new Date(clock + 1))).toEqual({
      rows: 0,
      bytes: 0,
      oldestAt: null,
    });
    expect(await store.countsByStatus()).toEqual({ done: 1, failed: 2, waiting_for_mail: 1, queued: 2 });
    expect(await store.filePaths()).toEqual(new Set(['f.csv', 'g.csv', 'h.csv']));
  });

  it('admits a job from a grant only while the admission lets it in, from any number of callers at once', async () => {
    const other = await ctx.open({ now: ticking, leaseMs: LEASE_MS });
    // Twelve requests of one user on two replicas at once: exactly three get in.
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? other : store).createFromGrant(at('ann'), `grant-${i}`, atMost(3))
      )
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused).toHaveLength(9);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/busy: 3/);
    expect(await store.activeCount('u-ann')).toBe(3);
    // The admission sees what the user used.
    const seen: Usage[] = [];
    await store.createFromGrant(at('bob'), 'grant-bob', {
      usageSince: new Date(0),
      admit: (_active, used) => void seen.push(used),
    });
    expect(seen).toEqual([{ rows: 0, bytes: 0, oldestAt: null }]);
  });

  it('lets two replicas claim at once: every job exactly once, never two of one user running', async () => {
    const other = await ctx.open({ now: ticking, leaseMs: LEASE_MS });
    const users = ['ann', 'bob', 'cy', 'dee'];
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await store.create(at(users[i % users.length]!))).id);
    const claimed: string[] = [];
    const replica = async (s: JobStore) => {
      for (let idle = 0; idle < 3;) {
        const job = await s.claimExport(1);
        if (!job) {
          idle++;
          continue;
        }
        idle = 0;
        claimed.push(job.id);
        const running = (await s.listFor(job.requester.uid!)).filter((j) => j.status === 'running');
        expect(running.map((j) => j.id)).toEqual([job.id]);
        await s.updateHeld(job, { status: 'done' });
      }
    };
    await Promise.all([replica(store), replica(other)]);
    expect(claimed.sort()).toEqual([...ids].sort());
    expect(await store.countsByStatus()).toEqual({ done: 20 });
  });

  it('changes a claimed job only with its current lease, which a status other than running or sending ends', async () => {
    const j = await store.create(at('ann'));
    expect(await store.updateHeld(j, { rows: 1 })).toBe(false); // never claimed
    const claimed = (await store.claimExport())!;
    expect(claimed.lease).toEqual(expect.any(String));
    expect(await store.updateHeld(claimed, { rows: 5 })).toBe(true);
    expect(await store.updateHeld({ id: j.id, lease: `${claimed.lease}-forged` }, { rows: 6 })).toBe(false);
    expect(await store.updateHeld(claimed, { status: 'sending' })).toBe(true);
    expect((await store.get(j.id))!.lease).toBe(claimed.lease);
    expect(await store.updateHeld(claimed, { status: 'done' })).toBe(true);
    expect(await store.get(j.id)).toMatchObject({ status: 'done', rows: 5, lease: null });
    expect(await store.updateHeld(claimed, { rows: 7 })).toBe(false);
  });

  it('puts back what a gone replica left once its lease ran out: running jobs queued (or failed past their attempts), mails due', async () => {
    const gone = await ctx.open({ now: ticking, leaseMs: LEASE_MS });
    const running = await store.create(at('ann'));
    const worn = await store.create(at('bob'));
    const sending = await store.create(at('cy'));
    const held = [(await gone.claimExport())!, (await gone.claimExport())!];
    await store.update(worn.id, { attempts: 3 });
    await store.update(sending.id, { status: 'waiting_for_mail', filePath: 'x.csv' });
    const mail = (await gone.claimMail())!;
    expect(mail).toMatchObject({ id: sending.id, status: 'sending', mailAttempts: 1 });
    await gone.close();
    clock += LEASE_MS + 5000;
    expect(await store.recoverInterrupted(3)).toEqual([worn.id]);
    expect(await store.get(running.id)).toMatchObject({ status: 'queued', attempts: 1, lease: null });
    expect(await store.get(worn.id)).toMatchObject({
      status: 'failed',
      lease: null,
      error: 'the export service stopped during this export 3 times; try a shorter time range',
    });
    expect(await store.get(sending.id)).toMatchObject({ status: 'waiting_for_mail', lease: null });
    // The gone replica's claims no longer hold anything.
    for (const job of [...held, mail]) expect(await store.updateHeld(job, { rows: 1 })).toBe(false);
    expect(await store.claimMail()).toMatchObject({ id: sending.id, status: 'sending', mailAttempts: 2 });
    const again = (await store.claimExport())!;
    expect(again).toMatchObject({ id: running.id, status: 'running', attempts: 2 });
    expect(again.lease).not.toBe(held[0]!.lease);
  });

  it('keeps a job whose lease is renewed, and tells the holder which jobs it lost', async () => {
    const kept = (await store.create(at('ann'))).id;
    const lost = (await store.create(at('bob'))).id;
    const a = (await store.claimExport())!;
    const b = (await store.claimExport())!;
    expect([a.id, b.id].sort()).toEqual([kept, lost].sort());
    const keptJob = a.id === kept ? a : b;
    const lostJob = a.id === kept ? b : a;
    clock += (LEASE_MS * 2) / 3;
    expect(await store.renewLeases([keptJob])).toEqual(new Set([kept]));
    clock += (LEASE_MS * 2) / 3;
    // Past the first lease's end: only the renewed job is still held.
    await store.recoverInterrupted(3);
    expect(await store.get(kept)).toMatchObject({ status: 'running', lease: keptJob.lease });
    expect(await store.get(lost)).toMatchObject({ status: 'queued', lease: null });
    expect(await store.renewLeases([keptJob, lostJob])).toEqual(new Set([kept]));
    expect(await store.renewLeases([])).toEqual(new Set());
  });

  it('asks for a mail again only when there is a file and no mail is being sent', async () => {
    const j = await store.create(at('ann'));
    expect(await store.requestMail(j.id)).toBeUndefined(); // no file yet
    await store.update(j.id, { status: 'failed', filePath: 'f.csv', mailAttempts: 4, error: 'refused' });
    const asked = (await store.requestMail(j.id))!;
    expect(asked).toMatchObject({ status: 'waiting_for_mail', mailAttempts: 0, error: null });
    expect(asked.nextAttemptAt).toEqual(asked.mailSince);
    const sending = (await store.claimMail())!;
    expect(sending.status).toBe('sending');
    expect(await store.requestMail(j.id)).toBeUndefined();
    expect((await store.get(j.id))!.status).toBe('sending');
  });

  it('finds expired files, files without an expiry of finished jobs, and the jobs still being exported', async () => {
    const live = await store.create(at('ann'));
    await store.update(live.id, {
      status: 'done',
      filePath: 'live.csv',
      expiresAt: new Date(clock + 3600_000).toISOString(),
    });
    const old = await store.create(at('ann'));
    await store.update(old.id, {
      status: 'done',
      filePath: 'old.csv',
      expiresAt: new Date(clock).toISOString(),
    });
    const noExpiry = await store.create(at('ann'));
    await store.update(noExpiry.id, { status: 'failed', filePath: 'legacy.csv' });
    const queued = await store.create(at('bob'));
    const running = await store.create(at('cy'));
    await store.update(running.id, { status: 'running' });
    expect((await store.get(live.id))!.downloadable).toBe(true);
    expect((await store.expired()).map((j) => j.id).sort()).toEqual([old.id, noExpiry.id].sort());
    expect(await store.exportingIds()).toEqual(new Set([queued.id, running.id]));
  });
});
