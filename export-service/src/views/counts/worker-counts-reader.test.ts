// The kept counts read in worker threads: the same answers as the store on the event loop, read while the owner's
// connection holds a write transaction open (the follower counting a batch), and failures told as errors.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openFollowingDatabase } from '../../../test/support/following-database';
import { inWriteTransaction, openDatabase, type Database } from '../../store/database';
import { CountsStore } from './counts-store';
import type { CountRow } from './minute-counts';
import { WorkerCountsReader } from './worker-counts-reader';

const MINUTE = 28_333_334;

describe('WorkerCountsReader', () => {
  let dir: string;
  let database: Database;
  let store: CountsStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'worker-counts-'));
    database = await openFollowingDatabase(join(dir, 'jobs.sqlite'));
    store = new CountsStore(database);
    // Three minutes of logins and failures of 300 users, one of them with events exactly at its first nanosecond.
    for (let m = 0; m < 3; m++) {
      const rows: CountRow[] = [];
      for (let u = 0; u < 300; u++) {
        const n = 1 + ((u * 7 + m) % 13);
        const atStart = u === 0 ? 1 : 0;
        for (const action of ['login', 'login_failed'])
          rows.push({ period: MINUTE + m, field: 'user_name', action, value: `user-${u}`, n, atStart });
        // As the counts consumer keeps a field of many values: also over all actions.
        rows.push({
          period: MINUTE + m,
          field: 'user_name',
          action: '*',
          value: `user-${u}`,
          n: 2 * n,
          atStart: 2 * atStart,
        });
      }
      await store.replaceMinutes('access', {
        fromMinute: MINUTE + m,
        toMinute: MINUTE + m + 1,
        rows,
        events: new Map([[MINUTE + m, rows.reduce((n, r) => n + r.n, 0)]]),
      });
    }
  });
  afterAll(async () => {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers every read as the store does', async () => {
    const reader = new WorkerCountsReader(database.file!);
    try {
      // Ready once each thread has opened the file and read what is kept (the service listens after this).
      await reader.ready();
      const spans = [{ grain: 'm', from: MINUTE, to: MINUTE + 3 }] as const;
      const ten = [{ grain: 't', from: MINUTE - (MINUTE % 10), to: MINUTE - (MINUTE % 10) + 10 }] as const;
      expect(await reader.keptMinutes('access')).toEqual(await store.keptMinutes('access'));
      expect(await reader.keptMinutes('access')).toEqual({ first: MINUTE, last: MINUTE + 2, count: 3 });
      expect(await reader.keptMinutesIn('access', MINUTE - 5, MINUTE + 2)).toBe(2);
      // Asked at once: the calls spread over the threads and each gets its own answer.
      const [all, failed, top, tens, periods] = await Promise.all([
        reader.valueCounts('access', 'user_name', undefined, spans, 1000),
        reader.valueCounts('access', 'user_name', 'login_failed', spans, 1000),
        reader.valueCounts('access', 'user_name', undefined, spans, 10),
        reader.valueCounts('access', 'user_name', undefined, ten, 1000),
        reader.periodCounts('access', 'user_name', 'login', spans[0]),
      ]);
      expect(all).toEqual(await store.valueCounts('access', 'user_name', undefined, spans, 1000));
      expect(all).toHaveLength(300);
      expect(failed).toEqual(await store.valueCounts('access', 'user_name', 'login_failed', spans, 1000));
      expect(top).toEqual(all.slice(0, 10));
      expect(tens).toEqual(all);
      expect(periods).toEqual(await store.periodCounts('access', 'user_name', 'login', spans[0]));
      expect(periods.find((p) => p.value === 'user-0' && p.period === MINUTE)?.atStart).toBe(1);
    } finally {
      await reader.close();
    }
  });

  it('reads while the owner holds a write transaction open, and sees it once committed', async () => {
    const reader = new WorkerCountsReader(database.file!);
    try {
      const before = await reader.keptMinutes('access');
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inside!: () => void;
      const begun = new Promise<void>((resolve) => (inside = resolve));
      const writing = inWriteTransaction(database, async (trx) => {
        await sql`INSERT INTO kept_minutes (log_type, minute, events) VALUES ('access', ${MINUTE + 3}, 0)`.execute(
          trx
        );
        inside();
        await held;
      });
      await begun;
      // The event loop's store would wait for the transaction's turn; the thread's connection reads the last commit.
      expect(await reader.keptMinutes('access')).toEqual(before);
      release();
      await writing;
      expect(await reader.keptMinutes('access')).toEqual({ first: MINUTE, last: MINUTE + 3, count: 4 });
    } finally {
      await reader.close();
    }
  });

  it("tells a read's failure as an error, and refuses calls once closed", async () => {
    const empty = await openDatabase({ dialect: 'sqlite', file: join(dir, 'empty.sqlite') });
    const reader = new WorkerCountsReader(empty.file!);
    try {
      // Its first read fails in every thread, yet it is ready: a service with a broken file still starts and says why.
      await reader.ready();
      await expect(reader.keptMinutes('access')).rejects.toThrow(/no such table: kept_minutes/);
    } finally {
      await reader.close();
      await empty.close();
    }
    await expect(reader.keptMinutesIn('access', 0, 1)).rejects.toThrow(/closed/);
  });
});
