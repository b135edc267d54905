import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ATTR,
  SERVICE_NAME_ATTR,
  type FacetsResponse,
  type StatsResponse,
  type StatsSplit,
} from '@auditlens/contract';
import { HttpLokiClient, type LokiClient } from '@auditlens/loki';
import {
  announce,
  hasPostgres,
  hasRealLoki,
  lokiForTests,
  startPostgres,
  type LokiTarget,
  type PostgresServer,
} from '@auditlens/testkit';
import { feedSettled } from '../../../test/support/settled-feed';
import { Follower } from '../../follower/follower';
import { openFollowingDatabase } from '../../../test/support/following-database';
import type { Database } from '../../store/database';
import { FollowerStore } from '../../follower/follower-store';
import { LogReader } from '../log-reader';
import type { NsRange } from '../time-range';
import { CountsConsumer } from './counts-consumer';
import { CountsStore, type CountsReader } from './counts-store';
import { WorkerCountsReader } from './worker-counts-reader';

const MIN = 60_000;
const HOUR = 60 * MIN;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const range = (fromMs: number, toMs: number): NsRange => ({
  from: new Date(fromMs),
  to: new Date(toMs),
  start: ns(fromMs),
  end: ns(toMs),
});

// The data: 150 minutes before "now" (rounded to a minute), 3000 events, some exactly on minutes and hours.
const NOW = Math.floor(Date.now() / MIN) * MIN - 2 * MIN;
const START = NOW - 150 * MIN;
const ACTIONS = ['login', 'login', 'logout', 'login_failed'];

/** Records the seeded access events through Loki's OTLP endpoint, as the emitter would write them. */
async function seed(lokiUrl: string): Promise<void> {
  const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const records = [];
  for (let i = 0; i < 3000; i++) {
    // Every 13th event on a whole minute, every 97th on a whole hour: the boundaries a chart point must get right.
    const ms =
      i % 97 === 0
        ? Math.ceil(START / HOUR) * HOUR + (i % 2) * HOUR
        : i % 13 === 0
          ? START + ((i * 7) % 150) * MIN
          : START + Math.floor((i / 3000) * 150 * MIN) + (i % 1000);
    const ts = ns(ms) + (i % 13 === 0 || i % 97 === 0 ? 0n : BigInt(i % 999));
    const action = ACTIONS[i % ACTIONS.length]!;
    const attributes = [
      kv(ATTR.eventId, `e-${i}`),
      kv(ATTR.userName, `user${(i * 7) % 60}`),
      kv(ATTR.action, action),
      kv(ATTR.outcome, action === 'login_failed' ? 'failure' : 'success'),
      kv(ATTR.clientAddress, `10.0.${i % 3}.${(i * 11) % 250}`),
    ];
    // Some events lack a field: Loki's count by that field has a series without it.
    if (i % 5 !== 0) attributes.push(kv(ATTR.portal, i % 3 === 0 ? 'customer' : 'agent'));
    if (i % 7 !== 0) attributes.push(kv(ATTR.brand, ['Acme', 'Beta'][i % 2]!));
    records.push({
      ts,
      record: { timeUnixNano: String(ts), body: { stringValue: `user ${action} ${i}` }, attributes },
    });
  }
  // Oldest first: Loki takes a stream's entries out of order only within a window behind its newest.
  records.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  const res = await fetch(`${lokiUrl}/otlp/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [kv(SERVICE_NAME_ATTR, 'helpdesk'), kv(ATTR.logType, 'access')] },
          scopeLogs: [{ logRecords: records.map((r) => r.record) }],
        },
      ],
    }),
  });
  if (!res.ok) throw new Error(`seeding: ${res.status} ${await res.text()}`);
}

/** A Loki client that counts the queries asked through it. */
class CountingLoki implements LokiClient {
  asked = 0;
  constructor(private readonly inner: LokiClient) {}
  queryLogs: LokiClient['queryLogs'] = (p) => (this.asked++, this.inner.queryLogs(p));
  queryMetrics: LokiClient['queryMetrics'] = (p) => (this.asked++, this.inner.queryMetrics(p));
  queryInstant: LokiClient['queryInstant'] = (p) => (this.asked++, this.inner.queryInstant(p));
  ready: LokiClient['ready'] = (s) => this.inner.ready(s);
}

const byName = (s: StatsResponse) => [...s.series].sort((a, b) => a.name.localeCompare(b.name));
const sorted = (f: FacetsResponse) => f.values;

// Ranges: inside what is kept (not on minutes), reaching before it (older than followed), reaching past it (the
// live edge), and with a whole hour and more.
const FOLLOW_FROM = Math.floor((START + 37 * MIN) / MIN) * MIN;
const FOLLOW_TO = NOW - 11 * MIN;
const RANGES = [
  range(FOLLOW_FROM + 3 * MIN + 123, FOLLOW_TO - 7 * MIN + 5),
  range(START - 5 * MIN, FOLLOW_TO - 30 * MIN),
  range(FOLLOW_FROM + 61 * MIN, NOW + MIN),
  range(START, NOW + MIN),
];
const FIELDS = ['user', 'portal', 'brand', 'action', 'ip'];
const STATS: Array<{ by: StatsSplit; step?: number; filters?: Record<string, string> }> = [
  { by: 'action' },
  { by: 'outcome', step: 300 },
  { by: 'action', step: 3600 },
  { by: 'outcome', step: 1800, filters: { action: 'login_failed' } },
];

(hasRealLoki() ? describe : describe.skip)('kept counts on the real Loki', () => {
  let loki: LokiTarget;
  let http: HttpLokiClient;
  let dir: string;
  let pg: PostgresServer | undefined;
  /** Loki's own answers (no kept counts), asked once per question. */
  const truth = new Map<string, unknown>();

  beforeAll(async () => {
    // Loki counts up to 2000 values of a field at once here, so that its own answers list every address (750) and
    // can stand as the truth for the kept counts, which list them all.
    loki = await lokiForTests('kept counts', { overrides: { limits_config: { max_query_series: 2000 } } });
    if (loki.kind !== 'real') throw new Error(loki.reason);
    http = new HttpLokiClient({ url: loki.url, timeoutMs: 30_000 });
    await seed(loki.url);
    dir = await mkdtemp(join(tmpdir(), 'auditlens-counts-'));
    const plain = new LogReader(http, { maxEntries: 5000, maxQuerySeries: 2000 });
    for (const [i, r] of RANGES.entries()) {
      for (const field of FIELDS) {
        truth.set(`f${i}${field}`, await plain.facets('access', r, field, {}));
        truth.set(`f${i}${field}a`, await plain.facets('access', r, field, { action: 'login_failed' }));
      }
      for (const [j, s] of STATS.entries())
        truth.set(`s${i}${j}`, await plain.stats('access', r, s.by, s.filters ?? {}, s.step));
    }
    // A sanity check on the data: Loki counts every seeded event.
    const all = truth.get('f3action') as FacetsResponse;
    expect(all.values.reduce((n, v) => n + v.count, 0)).toBe(3000);
  }, 240_000);
  afterAll(async () => {
    await loki?.release();
    await pg?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Asserts that a reader with kept counts answers every question as Loki does. */
  async function expectLokisAnswers(store: CountsReader, keptUntilMs: number): Promise<void> {
    const reader = new LogReader(http, {
      maxEntries: 5000,
      maxQuerySeries: 2000,
      kept: { store, keptUntil: async () => ns(keptUntilMs) },
    });
    for (const [i, r] of RANGES.entries()) {
      for (const field of FIELDS) {
        expect(sorted(await reader.facets('access', r, field, {}))).toEqual(
          sorted(truth.get(`f${i}${field}`) as FacetsResponse)
        );
        expect(sorted(await reader.facets('access', r, field, { action: 'login_failed' }))).toEqual(
          sorted(truth.get(`f${i}${field}a`) as FacetsResponse)
        );
      }
      for (const [j, s] of STATS.entries())
        expect(byName(await reader.stats('access', r, s.by, s.filters ?? {}, s.step))).toEqual(
          byName(truth.get(`s${i}${j}`) as StatsResponse)
        );
    }
  }

  it('answers as Loki counts, asks Loki nothing inside what is kept, and repeats change nothing', async () => {
    const database = await openFollowingDatabase(join(dir, 'a.sqlite'));
    const store = new CountsStore(database);
    const consumer = new CountsConsumer(store);
    const fed = await feedSettled(http, consumer, 'access', ns(FOLLOW_FROM), ns(FOLLOW_TO), 7);
    expect(fed).toBeGreaterThan(2000);
    await expectLokisAnswers(store, FOLLOW_TO);

    const counting = new CountingLoki(http);
    const reader = new LogReader(counting, {
      maxEntries: 5000,
      kept: { store, keptUntil: async () => ns(FOLLOW_TO) },
    });
    const inside = RANGES[0]!;
    const facets = await reader.facets('access', inside, 'user', {}, 'suggest');
    expect(facets).toMatchObject({ counts: 'exact', complete: true });
    await reader.stats('access', range(FOLLOW_FROM + 30 * MIN, FOLLOW_FROM + 90 * MIN), 'action', {}, 60);
    const before = counting.asked;
    await reader.facets('access', range(FOLLOW_FROM + MIN, FOLLOW_TO), 'portal', {});
    await reader.stats('access', range(FOLLOW_FROM + 30 * MIN, FOLLOW_FROM + 90 * MIN), 'outcome', {}, 60);
    expect(counting.asked - before).toBe(0);
    // A page's dropdowns of few-valued fields, asked at once over a range past what is kept: its newest part is
    // counted once for all of them, and each answer is still Loki's.
    const pastKept = RANGES[2]!;
    const beforePage = counting.asked;
    const page = await Promise.all(
      (['portal', 'brand', 'action'] as const).map((f) => reader.facets('access', pastKept, f, {}))
    );
    expect(counting.asked - beforePage).toBe(1);
    for (const [j, f] of (['portal', 'brand', 'action'] as const).entries())
      expect(sorted(page[j]!)).toEqual(sorted(truth.get(`f2${f}`) as FacetsResponse));
    // Addresses (750 kept) with Loki counting 500 values at once: the newest part is counted for the most frequent
    // kept addresses only, in one query (not first refused for all of them), and each listed count is Loki's.
    const counting500 = new CountingLoki(http);
    const reader500 = new LogReader(counting500, {
      maxEntries: 5000,
      maxQuerySeries: 500,
      kept: { store, keptUntil: async () => ns(FOLLOW_TO) },
    });
    const ips = await reader500.facets('access', pastKept, 'ip', {});
    expect(counting500.asked).toBe(1);
    expect(ips).toMatchObject({ counts: 'exact', complete: false });
    expect(ips.values).toHaveLength(100);
    const lokiIps = new Map((truth.get('f2ip') as FacetsResponse).values.map((v) => [v.value, v.count]));
    for (const v of ips.values) expect(v.count).toBe(lokiIps.get(v.value));

    // The same minutes again, in other batches: nothing changes.
    await feedSettled(http, consumer, 'access', ns(FOLLOW_FROM + 20 * MIN), ns(FOLLOW_TO), 13);
    await expectLokisAnswers(store, FOLLOW_TO);
    await database.close();

    // A new store on the same file (the service restarted): the same answers, also read in worker threads (as the
    // service reads them from SQLite).
    const again = await openFollowingDatabase(join(dir, 'a.sqlite'));
    await expectLokisAnswers(new CountsStore(again), FOLLOW_TO);
    const threads = new WorkerCountsReader(again.file!);
    await expectLokisAnswers(threads, FOLLOW_TO);
    await threads.close();
    await again.close();
  }, 600_000);

  it('catches up after the service was down: later batches complete the counts', async () => {
    const database = await openFollowingDatabase(join(dir, 'b.sqlite'));
    const store = new CountsStore(database);
    const consumer = new CountsConsumer(store);
    const DOWN_AT = FOLLOW_FROM + 50 * MIN;
    await feedSettled(http, consumer, 'access', ns(FOLLOW_FROM), ns(DOWN_AT), 10);
    // While down, what is kept ends at DOWN_AT: the rest is counted at Loki, and the answers are still Loki's.
    await expectLokisAnswers(store, DOWN_AT);
    await feedSettled(http, consumer, 'access', ns(DOWN_AT), ns(FOLLOW_TO), 30);
    await expectLokisAnswers(store, FOLLOW_TO);
    // Expired minutes are no longer kept; what remains starts where retention ends.
    await consumer.expire(ns(FOLLOW_FROM + 40 * MIN));
    expect((await store.keptMinutes('access'))?.first).toBe((FOLLOW_FROM + 40 * MIN) / MIN);
    await expectLokisAnswers(store, FOLLOW_TO);
    await database.close();
  }, 600_000);

  it('is kept through the follower: it follows, stops, starts again and catches up', async () => {
    const file = join(dir, 'c.sqlite');
    /** A follower as `server.ts` opens it, with the counts consumer registered, whose clock settles `settledMs`. */
    const follow = async (settledMs: number) => {
      // One database for the follower and the counts, as the service opens it.
      const db = await openFollowingDatabase(file);
      const counts = new CountsStore(db);
      const follower = new Follower(http, new FollowerStore(db), {
        settleMs: 120_000,
        batchMinutes: 9,
        rereadMinutes: 0,
        startMs: FOLLOW_FROM,
        retentionMs: 7 * 86_400_000,
        leaseMs: 30_000,
        pollMs: 1000,
        logTypes: ['access'],
        now: () => settledMs + 120_000,
      });
      const consumer = new CountsConsumer(counts);
      follower.register(consumer);
      while (await follower.round());
      const at = await follower.keptBy(consumer.name, 'access');
      await follower.stop();
      return { db, counts, cursorMs: at?.cursorMs };
    };
    const first = await follow(FOLLOW_FROM + 50 * MIN);
    expect(first.cursorMs).toBe(FOLLOW_FROM + 50 * MIN);
    await expectLokisAnswers(first.counts, first.cursorMs!);
    await first.db.close();
    // Started again later: the follower goes on from its cursor, and the counts catch up.
    const second = await follow(FOLLOW_TO);
    expect(second.cursorMs).toBe(FOLLOW_TO);
    await expectLokisAnswers(second.counts, second.cursorMs!);
    await second.db.close();
  }, 600_000);

  (hasPostgres() ? it : it.skip)(
    'keeps one set of counts for two replicas on one Postgres',
    async () => {
      pg = await startPostgres('kept counts');
      const url = await pg.createDatabase('counts_replicas');
      // Two replicas, each with its own connections, starting together (their migrations take turns).
      const replicas: Database[] = await Promise.all([
        openFollowingDatabase({ dialect: 'postgres', url }),
        openFollowingDatabase({ dialect: 'postgres', url }),
      ]);
      const [a, b] = replicas.map((r) => new CountsStore(r)) as [CountsStore, CountsStore];
      const MID = FOLLOW_FROM + 55 * MIN;
      // Replica a follows, then b takes over and reads again what a did last (a take-over repeats a batch), both at once.
      await Promise.all([
        feedSettled(http, new CountsConsumer(a), 'access', ns(FOLLOW_FROM), ns(MID + 20 * MIN), 10),
        feedSettled(http, new CountsConsumer(b), 'access', ns(MID), ns(FOLLOW_TO), 10),
      ]);
      await expectLokisAnswers(a, FOLLOW_TO);
      await expectLokisAnswers(b, FOLLOW_TO);
      await Promise.all(replicas.map((r) => r.close()));
    },
    600_000
  );
});

if (!hasRealLoki()) announce('kept counts: skipped, neither LOKI_BIN nor LOKI_URL is set');
