// The app's pages on a real Loki holding a very busy hour of access events (issue 24), answered from the counts the
// follower keeps: seeds 500,000 access events over the last hour, lets the follower (with the counts consumer) catch
// up, then starts the service in a fresh process and asks every call of the access page at once (rows, each
// dropdown's suggestions and exact counts, the chart) and the overview's (tile chart, two top lists), over 1 h, 24 h
// and 30 days, each span in a fresh process (cold), then all again after a restart. Prints each answer's time, the
// Loki queries the service made per lane, and each 1-second goal met or not. Needs LOKI_BIN; says so otherwise.
// BENCH_SHORT=1 seeds 50,000 events (BENCH_COUNTS_EVENTS sets any number) over the hour that ends at the last whole
// minute, and lets minutes settle 5 s after they end rather than 60 s (every event is in Loki before the follower
// reads), so it follows at once instead of waiting two minutes; the figures it prints are the same kind.
// BENCH_COUNTS_PROFILE=<dir> writes a CPU profile of each service process there (`node --cpu-prof`).
// BENCH_COUNTS_SPANS=1h (or 24h, 30d, comma-separated) runs only those spans.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpLokiClient } from '@auditlens/loki';
import { Follower } from '../src/follower/follower';
import { FOLLOWER_MIGRATIONS } from '../src/follower/follower-migrations';
import { FollowerStore } from '../src/follower/follower-store';
import { CountsConsumer } from '../src/views/counts/counts-consumer';
import { CountsStore } from '../src/views/counts/counts-store';
import { openDatabase } from '../src/store/database';
import { COUNTS_MIGRATIONS } from '../src/views/counts/counts-migrations';
import { startBenchLoki } from './bench-loki';
import { seedAccessOtlp } from './seed-otlp';

const SHORT = Boolean(process.env['BENCH_SHORT']);
const EVENTS = Number(process.env['BENCH_COUNTS_EVENTS'] ?? (SHORT ? 50_000 : 500_000));
const MIN = 60_000;
/** How long after its end the follower takes a minute as settled (the service's FOLLOW_SETTLE_SECONDS). */
const SETTLE_MS = SHORT ? 5_000 : 60_000;
const HOUR = 60 * MIN;
const SPANS = [
  { name: '1 h', ms: HOUR },
  { name: '24 h', ms: 24 * HOUR },
  { name: '30 d', ms: 720 * HOUR },
] as const;
const ONLY_SPANS = process.env['BENCH_COUNTS_SPANS']?.split(',');
const SECRET = 'bench-shared-secret-0123456789';
const GOAL_MS = 1000;
const FIELDS = ['action', 'user', 'brand', 'portal', 'loginSource', 'ip'];

/** One call of a page: what the app asks, with its query. */
interface Call {
  readonly name: string;
  readonly path: string;
  readonly params: Record<string, string>;
}

const ACCESS_PAGE: Call[] = [
  { name: 'rows (first page)', path: '', params: { limit: '100' } },
  ...FIELDS.map((field) => ({
    name: `dropdown ${field} (suggest)`,
    path: '/facets',
    params: { field, mode: 'suggest' },
  })),
  ...FIELDS.map((field) => ({ name: `dropdown ${field} (exact)`, path: '/facets', params: { field } })),
  { name: 'chart (by action)', path: '/stats', params: { by: 'action' } },
];
const OVERVIEW: Call[] = [
  { name: 'overview tile (by outcome)', path: '/stats', params: { by: 'outcome' } },
  { name: 'overview top failed users', path: '/facets', params: { field: 'user', action: 'login_failed' } },
  { name: 'overview top failed IPs', path: '/facets', params: { field: 'ip', action: 'login_failed' } },
];

interface Timed {
  readonly call: string;
  readonly ms: number;
  readonly status: number;
  readonly note: string;
}

/** The service in a process of its own (`counts-bench-service.ts`). */
class ServiceChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string
  ) {}

  static async start(lokiUrl: string, dataDir: string): Promise<ServiceChild> {
    const profile = process.env['BENCH_COUNTS_PROFILE'];
    const child = fork(join(__dirname, 'counts-bench-service.js'), [lokiUrl, dataDir, SECRET, 'kept'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve((m as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`the service exited with ${code}`)));
    });
    return new ServiceChild(child, `http://127.0.0.1:${port}`);
  }

  async asked(): Promise<Record<string, number>> {
    this.child.send('asked');
    return new Promise((resolve) =>
      this.child.once('message', (m) => resolve((m as { asked: Record<string, number> }).asked))
    );
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send('stop');
    await exited;
  }
}

async function ask(service: ServiceChild, call: Call, spanMs: number, to: number): Promise<Timed> {
  const query = new URLSearchParams({ from: String(to - spanMs), to: String(to), ...call.params });
  const t0 = performance.now();
  const res = await fetch(`${service.url}/api/v1/logs/access${call.path}?${query}`, {
    headers: { 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': 'ops' },
  });
  const body = (await res.json()) as Record<string, unknown>;
  return {
    call: call.name,
    ms: performance.now() - t0,
    status: res.status,
    note: describe(res.status, body),
  };
}

function describe(status: number, body: Record<string, unknown>): string {
  if (status !== 200) return `${status}: ${String(body['error']).slice(0, 90)}`;
  if (Array.isArray(body['rows'])) return `${body['rows'].length} rows`;
  if (Array.isArray(body['values'])) {
    const values = body['values'] as Array<{ count: number }>;
    return `${values.length} values, ${values.reduce((n, v) => n + v.count, 0)} events${body['complete'] === false ? ', not complete' : ''} (${String(body['counts'])})`;
  }
  if (Array.isArray(body['series'])) {
    const series = body['series'] as Array<{ points: Array<[number, number]> }>;
    return `${series.length} series, ${series.reduce((n, s) => n + s.points.reduce((m, [, v]) => m + v, 0), 0)} events`;
  }
  return '';
}

/** All of a page's calls at once over [to - span, to). */
async function page(service: ServiceChild, calls: readonly Call[], spanMs: number): Promise<Timed[]> {
  const to = Date.now();
  return Promise.all(calls.map((c) => ask(service, c, spanMs, to)));
}

async function main(): Promise<void> {
  if (!process.env['LOKI_BIN']) {
    console.log('counts benchmark skipped: LOKI_BIN is not set (source scripts/use-test-servers.sh)');
    return;
  }
  const loki = await startBenchLoki();
  const dir = await mkdtemp(join(tmpdir(), 'auditlens-counts-bench-'));
  try {
    // Short: the seeded hour ends at the last whole minute, so its last minute settles SETTLE_MS after seeding.
    const toMs = SHORT ? Math.floor(Date.now() / MIN) * MIN : Date.now();
    const fromMs = toMs - HOUR + MIN;
    const seedStart = Date.now();
    await seedAccessOtlp({ lokiUrl: loki.url, count: EVENTS, fromMs, toMs, batch: 10_000 });
    console.log(
      `counts benchmark: ${EVENTS.toLocaleString('en')} access events over the last hour recorded into Loki 3.7.6 in ${((Date.now() - seedStart) / 1000).toFixed(0)} s; node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}`
    );

    // The follower with the counts consumer, as the service runs it, until it has caught up from 31 days back (as
    // one started at Loki's retention would have): first the empty days before the seeded hour a day per read (its
    // clock set just before the hour), then the hour five minutes per read with the real clock, from its cursor.
    const http = new HttpLokiClient({ url: loki.url, lane: 'counts' });
    const firstMinute = Math.floor(fromMs / MIN) * MIN;
    const follow = async (o: { batchMinutes: number; now?: () => number }) => {
      const db = await openDatabase(
        { dialect: 'sqlite', file: join(dir, 'jobs.sqlite') },
        { features: [FOLLOWER_MIGRATIONS, COUNTS_MIGRATIONS] }
      );
      const counts = new CountsStore(db);
      const follower = new Follower(http, new FollowerStore(db), {
        settleMs: SETTLE_MS,
        batchMinutes: o.batchMinutes,
        rereadMinutes: 0,
        startMs: firstMinute - 31 * 24 * HOUR,
        retentionMs: 32 * 24 * HOUR,
        leaseMs: 60_000,
        pollMs: 1000,
        logTypes: ['access'],
        ...(o.now ? { now: o.now } : {}),
      });
      follower.register(new CountsConsumer(counts));
      const t0 = Date.now();
      while (await follower.round());
      const seconds = (Date.now() - t0) / 1000;
      const kept = await counts.keptMinutes('access');
      await follower.stop();
      await db.close();
      return { seconds, kept };
    };
    const history = await follow({ batchMinutes: 1440, now: () => firstMinute + 60_000 });
    // Wait until the newest seeded minute has settled, then follow the hour.
    const settledAt = Math.ceil(toMs / MIN) * MIN + SETTLE_MS + 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, settledAt - Date.now())));
    const hour = await follow({ batchMinutes: 5 });
    console.log(
      `follower (minutes settled ${SETTLE_MS / 1000} s after their end): read the 31 empty days before in ${history.seconds.toFixed(0)} s, then caught up on ${EVENTS.toLocaleString('en')} events in ${hour.seconds.toFixed(0)} s (${Math.round(EVENTS / hour.seconds).toLocaleString('en')} events/s read from Loki and counted into SQLite); ${hour.kept?.count ?? 0} minutes kept`
    );

    const results: Array<{ round: string; span: string; answers: Timed[]; asked: Record<string, number> }> =
      [];
    for (const round of ['cold', 'after restart']) {
      for (const span of SPANS.filter((s) => !ONLY_SPANS || ONLY_SPANS.includes(s.name.replace(' ', '')))) {
        // A fresh process per span and round: nothing in memory, the kept counts on disk.
        const service = await ServiceChild.start(loki.url, dir);
        try {
          const answers = [
            ...(await page(service, ACCESS_PAGE, span.ms)),
            ...(await page(service, OVERVIEW, span.ms)),
          ];
          results.push({ round, span: span.name, answers, asked: await service.asked() });
        } finally {
          await service.stop();
        }
      }
    }
    print(results);
  } catch (error) {
    console.error(`Loki's log ends with:\n${loki.logTail(40)}`);
    throw error;
  } finally {
    await loki.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

function print(
  results: ReadonlyArray<{ round: string; span: string; answers: Timed[]; asked: Record<string, number> }>
): void {
  console.log(`\n${'call'.padEnd(32)}${'span'.padEnd(6)}${'round'.padEnd(15)}${'time'.padStart(8)}   answer`);
  for (const r of results) {
    for (const a of r.answers)
      console.log(
        `${a.call.padEnd(32)}${r.span.padEnd(6)}${r.round.padEnd(15)}${`${(a.ms / 1000).toFixed(2)} s`.padStart(8)}   ${a.note}`
      );
    console.log(`  Loki queries of this page load (per lane): ${JSON.stringify(r.asked)}`);
  }
  console.log("\ngoals (1 s; each page's calls asked at once, each span in a fresh process):");
  for (const r of results) {
    const worst = r.answers.reduce((w, a) => (a.ms > w.ms ? a : w));
    const met = r.answers.every((a) => a.ms <= GOAL_MS && a.status === 200);
    console.log(
      `  ${met ? 'met    ' : 'NOT met'}  every call over ${r.span} (${r.round}): slowest ${worst.call} ${(worst.ms / 1000).toFixed(2)} s`
    );
  }
  console.log(`load average at the end ${loadavg()[0]!.toFixed(1)} (2 cores shared with other work)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
