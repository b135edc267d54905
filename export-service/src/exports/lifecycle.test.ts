import { EXPORT_STATUSES } from '@auditlens/contract';
import { describeEachStore } from '../../test/support/job-stores';
import { canMove, endsLease, isMailed, mailAgainRefusal, TRANSITIONS } from './lifecycle';
import type { NewExport, StoredJob } from './store/job-store';

const jane: NewExport = {
  requester: { uid: 'u-jane', login: 'jane', email: 'jane@acme.test', name: 'Jane' },
  logType: 'access',
  format: 'csv',
  from: '2026-11-20T09:00:00.000Z',
  to: '2026-11-20T10:00:00.000Z',
  filters: {},
  timezone: 'UTC',
};

describe('the export lifecycle', () => {
  it("names a move out of every status the contract knows, and only into the contract's statuses", () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...EXPORT_STATUSES].sort());
    for (const targets of Object.values(TRANSITIONS))
      for (const to of targets) expect(EXPORT_STATUSES).toContain(to);
  });

  it('ends the lease when a job leaves running or sending, not while it stays in them', () => {
    expect(endsLease({ status: 'done' })).toBe(true);
    expect(endsLease({ status: 'waiting_for_mail' })).toBe(true);
    expect(endsLease({ status: 'sending' })).toBe(false);
    expect(endsLease({ rows: 10 })).toBe(false);
  });

  it('tells why a file cannot be mailed again, and lets a delivered or failed mail be sent again', () => {
    const job = {
      status: 'done',
      filePath: 'a.csv',
      expiresAt: '2026-11-21T00:00:00Z',
      downloadable: true,
    } as const;
    expect(mailAgainRefusal(job)).toBeUndefined();
    expect(mailAgainRefusal({ ...job, status: 'sending' })).toEqual({
      kind: 'conflict',
      message: 'the mail is being sent right now',
    });
    expect(mailAgainRefusal({ ...job, status: 'failed', filePath: null, expiresAt: null })?.message).toBe(
      'this export has no file to mail; export again'
    );
    expect(mailAgainRefusal({ ...job, status: 'queued', filePath: null, expiresAt: null })?.message).toBe(
      'the export is not ready yet; it is mailed when it is'
    );
    expect(mailAgainRefusal({ ...job, downloadable: false })?.kind).toBe('gone');
    expect(isMailed('waiting_for_mail')).toBe(true);
    expect(isMailed('running')).toBe(false);
  });
});

describeEachStore('the stores move jobs only as the lifecycle allows', (ctx) => {
  it('from queued through running and sending to done, then mailed again', async () => {
    const store = await ctx.open({});
    const seen: StoredJob[] = [await store.create(jane)];
    const step = (job: StoredJob | undefined) => {
      expect(job).toBeDefined();
      const before = seen[seen.length - 1]!.status;
      expect(canMove(before, job!.status)).toBe(true);
      seen.push(job!);
      return job!;
    };
    const running = step(await store.claimExport());
    await store.updateHeld(running, {
      status: 'sending',
      filePath: 'jane.csv',
      expiresAt: '2099-01-01T00:00:00Z',
    });
    const sending = step(await store.get(running.id));
    await store.updateHeld(sending, { status: 'done' });
    step(await store.get(running.id));
    step(await store.requestMail(running.id));
    step(await store.claimMail());
    expect(seen.map((j) => j.status)).toEqual([
      'queued',
      'running',
      'sending',
      'done',
      'waiting_for_mail',
      'sending',
    ]);
  });
});
