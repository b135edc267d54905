// The follower against a real Loki (LOKI_BIN or LOKI_URL; the Loki double otherwise) and its store against SQLite
// and a real Postgres (testkit starts one; skipped where Postgres is not installed).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  hasPostgres,
  lokiForTests,
  startPostgres,
  type LokiTarget,
  type PostgresServer,
} from '@auditlens/testkit';
import { LokiDouble } from '@auditlens/loki/double';
import { HttpLokiClient } from '@auditlens/loki';
import { accessEvents, pushAccessEvents, waitUntilQueryable } from '../support/audit-events';
import { Follower, type FollowerOptions } from '../../src/follower/follower';
import type { Database } from '../../src/store/database';
import { openFollowingDatabase } from '../support/following-database';
import { FollowerStore } from '../../src/follower/follower-store';
import type { SettledBatch, SettledConsumer } from '../../src/follower/settled-batch';

jest.setTimeout(180_000);

const MINUTE = 60_000;
let target: LokiTarget;
let double: LokiDouble | undefined;
let lokiUrl: string;
let pg: PostgresServer | undefined;
let databases = 0;

beforeAll(async () => {
  target = await lokiForTests('follower');
  if (target.kind === 'real') lokiUrl = target.url;
  else lokiUrl = (double = await LokiDouble.start()).url;
  if (hasPostgres()) pg = await startPostgres('follower');
});
afterAll(async () => {
  await pg?.dispose();
  await double?.stop();
  await target.release();
});

/** Remembers every batch handed to it. */
class RecordingConsumer implements SettledConsumer {
  readonly batches: SettledBatch[] = [];
  constructor(readonly name: string) {}
  consume(batch: SettledBatch): Promise<void> {
    this.batches.push(batch);
    return Promise.resolve();
  }
  expire(): Promise<void> {
    return Promise.resolve();
  }
  /** Event ids in the order they were handed over. */
  ids(): string[] {
    return this.batches.flatMap((b) => b.entries.map((e) => e.metadata['audit_event_id']!));
  }
}

/** A fresh database of a dialect, as a function that opens a connection to it (one per replica). */
type NewDatabase = () => Promise<() => Promise<Database>>;
const dialects: Array<[string, NewDatabase]> = [
  [
    'SQLite',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'follower-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return () => openFollowingDatabase(join(dir, 'jobs.sqlite'));
    },
  ],
];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});
if (hasPostgres())
  dialects.push([
    'Postgres',
    async () => {
      const url = await pg!.createDatabase(`follower_${++databases}`);
      return () => openFollowingDatabase({ dialect: 'postgres', url });
    },
  ]);

describe.each(dialects)('the follower, its store in %s', (_dialect, newDatabase) => {
  const dbs: Database[] = [];
  let connect: () => Promise<Database>;
  beforeEach(async () => {
    connect = await newDatabase();
  });
  /** A replica's connection to the test's database. */
  const open = async () => {
    const db = await connect();
    dbs.push(db);
    return new FollowerStore(db);
  };
  afterEach(async () => {
    await Promise.all(dbs.splice(0).map((db) => db.close()));
  });

  /** 240 events over the 8 minutes that start 30 minutes ago (on a minute), pushed to a service of its own. */
  const seed = async () => {
    const service = `follower-${Date.now()}-${++databases}`;
    const fromMs = Math.floor((Date.now() - 30 * MINUTE) / MINUTE) * MINUTE;
    const events = accessEvents(240, fromMs, fromMs + 8 * MINUTE, ['ann', 'bob']);
    await pushAccessEvents(lokiUrl, service, events);
    await waitUntilQueryable(lokiUrl, service, fromMs, fromMs + 8 * MINUTE, events.length);
    return { service, fromMs, events };
  };
  const options = (service: string, fromMs: number, clock: { now: number }): FollowerOptions => ({
    settleMs: 120_000,
    batchMinutes: 3,
    rereadMinutes: 0,
    startMs: fromMs,
    retentionMs: 7 * 86_400_000,
    leaseMs: 30_000,
    pollMs: 1000,
    serviceName: service,
    logTypes: ['access'],
    now: () => clock.now,
  });

  it('hands every settled record over once, in time order, in minute-aligned batches, and catches up after downtime', async () => {
    const { service, fromMs, events } = await seed();
    const loki = new HttpLokiClient({ url: lokiUrl, lane: 'counts' });
    // First run: only the first 4 minutes have settled (now = start + 6 min, settled 2 min before).
    const clock = { now: fromMs + 6 * MINUTE + 5_000 };
    const consumer = new RecordingConsumer('rec');
    const first = new Follower(loki, await open(), options(service, fromMs, clock));
    first.register(consumer);
    while (await first.round());
    const firstIds = consumer.ids();
    expect(firstIds).toEqual(
      events.filter((e) => e.ts < BigInt(fromMs + 4 * MINUTE) * 1_000_000n).map((e) => e.id)
    );
    expect((await first.status()).logTypes.access?.caughtUpToNs).toBe(
      BigInt(fromMs + 4 * MINUTE) * 1_000_000n
    );

    // Down for a while; a new process on the same database picks up where the cursor is.
    clock.now = fromMs + 20 * MINUTE;
    const second = new Follower(loki, await open(), options(service, fromMs, clock));
    second.register(consumer);
    while (await second.round());
    expect(consumer.ids()).toEqual(events.map((e) => e.id));
    // Batches are contiguous, minute-aligned and never longer than batchMinutes.
    let at = BigInt(fromMs) * 1_000_000n;
    for (const b of consumer.batches) {
      expect(b.fromNs).toBe(at);
      expect(b.fromNs % 60_000_000_000n).toBe(0n);
      expect(b.toNs - b.fromNs).toBeLessThanOrEqual(3n * 60_000_000_000n);
      for (const e of b.entries) expect(e.ts >= b.fromNs && e.ts < b.toNs).toBe(true);
      at = b.toNs;
    }
    expect(at).toBe(BigInt(fromMs + 18 * MINUTE) * 1_000_000n);
  });

  it('two replicas: only the lease holder follows; the other takes over from its cursor once the lease expired', async () => {
    const { service, fromMs, events } = await seed();
    const loki = new HttpLokiClient({ url: lokiUrl, lane: 'counts' });
    const clock = { now: fromMs + 5 * MINUTE + 5_000 };
    const a = new RecordingConsumer('rec');
    const b = new RecordingConsumer('rec');
    const replicaA = new Follower(loki, await open(), options(service, fromMs, clock));
    const replicaB = new Follower(loki, await open(), options(service, fromMs, clock));
    replicaA.register(a);
    replicaB.register(b);
    await replicaA.round();
    await replicaB.round();
    expect(replicaA.isLeader).toBe(true);
    expect(replicaB.isLeader).toBe(false);
    expect(b.batches).toEqual([]);
    // A dies (no release); within the lease B still waits.
    clock.now += 20_000;
    await replicaB.round();
    expect(replicaB.isLeader).toBe(false);
    clock.now = fromMs + 12 * MINUTE;
    while (await replicaB.round());
    expect(replicaB.isLeader).toBe(true);
    expect(b.batches[0]!.fromNs).toBe(a.batches.at(-1)!.toNs);
    expect([...a.ids(), ...b.ids()]).toEqual(events.map((e) => e.id));
  });

  it('catches records that reach Loki after their minute settled by re-reading the last minutes', async () => {
    const { service, fromMs, events } = await seed();
    const loki = new HttpLokiClient({ url: lokiUrl, lane: 'counts' });
    const clock = { now: fromMs + 10 * MINUTE };
    const consumer = new RecordingConsumer('rec');
    const follower = new Follower(loki, await open(), {
      ...options(service, fromMs, clock),
      rereadMinutes: 10,
    });
    follower.register(consumer);
    while (await follower.round());
    expect(consumer.ids()).toEqual(events.map((e) => e.id));
    // A late record in minute 5, pushed after that minute was handed over.
    const late = accessEvents(1, fromMs + 5 * MINUTE + 1_234, fromMs + 5 * MINUTE + 2_000, ['eve']);
    await pushAccessEvents(lokiUrl, service, late);
    await waitUntilQueryable(lokiUrl, service, fromMs, fromMs + 8 * MINUTE, events.length + 1);
    clock.now += 5 * MINUTE;
    while (await follower.round());
    const again = consumer.batches.at(-1)!;
    expect(again.entries.map((e) => e.metadata['audit_event_id'])).toContain(late[0]!.id);
    expect(again.fromNs % 60_000_000_000n).toBe(0n);
  });
});
