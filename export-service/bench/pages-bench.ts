// The app's pages on a real Loki holding a busy day of access events (issue 13): the first page of rows, a filter
// dropdown's suggestions and exact counts, and the chart's counts, each over 1 hour, 24 hours and 30 days, asked
// first (cold) and again 5 s later with the range moved to the new "now" (warm: what the caches keep), through the
// service's own routes over HTTP, built as `server.ts` builds them. Then rows asked while a chart and two exact
// facet counts are being computed, with and without the service's queues at Loki. Prints the figures and each
// 1-second goal met or not, with where the machine's cores went. Needs LOKI_BIN; says so otherwise.
// BENCH_SHORT=1 seeds 50,000 events instead of 500,000 (BENCH_PAGES_EVENTS sets any number).
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { LokiServer } from '@auditlens/testkit';
import { startBenchLoki } from './bench-loki';
import { createApp } from '../src/app';
import type { UserDirectory } from '../src/auth/grafana-users';
import { SqlJobStore } from '../src/exports/store/sql-job-store';
import { DirectoryExportFiles } from '../src/exports/files/directory-export-files';
import { HttpLokiClient } from '@auditlens/loki';
import { SheddingLokiClient } from '../src/http/shedding-loki-client';
import { requestSignal } from '../src/http/request-signal';
import type { LokiClient } from '@auditlens/loki';
import { findProcess, machineBusySeconds, processCpuSeconds } from './cpu-meter';
import { seedAccessOtlp } from './seed-otlp';

const EVENTS = Number(process.env['BENCH_PAGES_EVENTS'] ?? (process.env['BENCH_SHORT'] ? 50_000 : 500_000));
const HOUR = 3_600_000;
const SPANS = [
  { name: '1 h', ms: HOUR },
  { name: '24 h', ms: 24 * HOUR },
  { name: '30 d', ms: 720 * HOUR },
] as const;
/** The service's defaults (`LOKI_SHARE_SECONDS`, `COUNT_*`, `FACET_SAMPLE_SECONDS`). */
const SHARE_MS = 5000;
const CACHING = { values: 200_000, settleMs: 600_000, sampleTtlMs: 60_000 };
const SECRET = 'bench-shared-secret-0123456789';
const GOAL_MS = 1000;

/** The bench's one user; who asks is not what is measured here. */
const users: UserDirectory = {
  lookup: async (login) =>
    login === 'ops' ? { uid: 'u-ops', login, email: 'ops@acme.test', name: 'Ops' } : undefined,
};

/** Sends every query without its queue at Loki, as the service did before lanes. */
class WithoutLanes implements LokiClient {
  constructor(private readonly inner: LokiClient) {}
  queryLogs: LokiClient['queryLogs'] = (p) => this.inner.queryLogs({ ...p, lane: undefined });
  queryMetrics: LokiClient['queryMetrics'] = (p) => this.inner.queryMetrics({ ...p, lane: undefined });
  queryInstant: LokiClient['queryInstant'] = (p) => this.inner.queryInstant({ ...p, lane: undefined });
  ready: LokiClient['ready'] = (signal) => this.inner.ready(signal);
}

interface Service {
  readonly url: string;
  stop(): Promise<void>;
}

/** The service's app as `server.ts` builds it, on a port of 127.0.0.1, with fresh caches. */
async function startService(
  lokiUrl: string,
  dir: string,
  o: { lanes: boolean; caching: boolean }
): Promise<Service> {
  const store = await SqlJobStore.open({
    dialect: 'sqlite',
    file: join(dir, `jobs-${Date.now()}-${Math.random()}.sqlite`),
  });
  const http = new HttpLokiClient({ url: lokiUrl });
  const loki = new SheddingLokiClient(o.lanes ? http : new WithoutLanes(http), {
    shareMs: SHARE_MS,
    ambientSignal: requestSignal,
  });
  const app = createApp({
    secret: SECRET,
    loki,
    users,
    store,
    files: new DirectoryExportFiles(join(dir, 'files')),
    logger: pino({ level: 'silent' }),
    maxEntries: 5000,
    maxRangeDays: 366,
    shareWindowMs: SHARE_MS,
    ratePerSecond: 1000,
    rateBurst: 1000,
    caching: o.caching ? CACHING : undefined,
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

interface Answer {
  readonly ms: number;
  readonly status: number;
  readonly note: string;
}

/** Asks the service one page's question over [now - spanMs, now) and times the answer. */
async function ask(
  service: Service,
  path: string,
  spanMs: number,
  params: Record<string, string> = {}
): Promise<Answer> {
  const to = Date.now();
  const query = new URLSearchParams({ from: String(to - spanMs), to: String(to), ...params });
  const t0 = performance.now();
  const res = await fetch(`${service.url}/api/v1/logs/access${path}?${query}`, {
    headers: { 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': 'ops' },
  });
  const body = (await res.json()) as Record<string, unknown>;
  const ms = performance.now() - t0;
  return { ms, status: res.status, note: describe(res.status, body) };
}

function describe(status: number, body: Record<string, unknown>): string {
  if (status !== 200) return `${status}: ${String(body['error']).slice(0, 90)}`;
  if (Array.isArray(body['rows'])) return `${body['rows'].length} rows`;
  if (Array.isArray(body['values'])) {
    const values = body['values'] as Array<{ count: number }>;
    const counted = values.reduce((n, v) => n + v.count, 0);
    const what = body['counts'] === 'sample' ? `of ${String(body['sampled'])} sampled` : 'counted';
    return `${values.length} values, ${counted} events ${what}${body['complete'] === false && body['counts'] === 'exact' ? ', most frequent only' : ''}`;
  }
  if (Array.isArray(body['series'])) {
    const series = body['series'] as Array<{ points: Array<[number, number]> }>;
    return `${series.length} series of ${series[0]?.points.length ?? 0} points, ${series.reduce((n, s) => n + s.points.reduce((m, [, v]) => m + v, 0), 0)} events`;
  }
  return '';
}

// In the order the app asks: a dropdown's suggestions, then its exact counts.
const CASES = [
  { name: 'first page of rows', path: '', params: { limit: '100' }, goal: true },
  {
    name: 'facet suggestions (user)',
    path: '/facets',
    params: { field: 'user', mode: 'suggest' },
    goal: true,
  },
  { name: 'exact facets (user)', path: '/facets', params: { field: 'user' }, goal: false },
  {
    name: 'facet suggestions (portal)',
    path: '/facets',
    params: { field: 'portal', mode: 'suggest' },
    goal: true,
  },
  { name: 'exact facets (portal)', path: '/facets', params: { field: 'portal' }, goal: false },
  { name: 'chart (by action)', path: '/stats', params: { by: 'action' }, goal: false },
] as const;

interface Row {
  readonly name: string;
  readonly span: string;
  readonly cold: Answer;
  readonly warm?: Answer;
  readonly goal: boolean;
  readonly lokiCores: number;
  readonly otherCores: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  if (!process.env['LOKI_BIN']) {
    console.log('pages benchmark skipped: LOKI_BIN is not set (source scripts/use-test-servers.sh)');
    return;
  }
  const loki: LokiServer = await startBenchLoki();
  const dir = await mkdtemp(join(tmpdir(), 'auditlens-pages-bench-'));
  try {
    const toMs = Date.now() - 60_000;
    const seedStart = Date.now();
    await seedAccessOtlp({ lokiUrl: loki.url, count: EVENTS, fromMs: toMs - 24 * HOUR, toMs, batch: 10_000 });
    // As in a Loki that has run for a day: chunks older than the last hours are in the store, not in ingesters
    // (queriers ask ingesters for the last 3 hours only). Flushing writes them there now.
    await fetch(`${loki.url}/flush`, { method: 'POST' });
    await waitUntilVisible(loki.url, toMs);
    const pid = findProcess(`-config.file=${loki.configFile}`);
    console.log(
      `pages benchmark: ${EVENTS.toLocaleString('en')} access events over 24 h (3000 users, 20,000 addresses) recorded into Loki 3.7.6 at ${loki.url} and flushed to its store in ${((Date.now() - seedStart) / 1000).toFixed(0)} s; node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}`
    );
    const rows: Row[] = [];
    for (const span of SPANS) {
      // Fresh caches per span, so that a longer span's cold figures are not helped by a shorter one's.
      const service = await startService(loki.url, dir, { lanes: true, caching: true });
      try {
        const cold: Array<{ answer: Answer; loki: number; other: number }> = [];
        for (const c of CASES) cold.push(await metered(pid, () => ask(service, c.path, span.ms, c.params)));
        await sleep(SHARE_MS + 200);
        for (const [i, c] of CASES.entries()) {
          const warm = await ask(service, c.path, span.ms, c.params);
          rows.push({
            name: c.name,
            span: span.name,
            cold: cold[i]!.answer,
            warm,
            goal: c.goal,
            lokiCores: cold[i]!.loki,
            otherCores: cold[i]!.other,
          });
        }
      } finally {
        await service.stop();
      }
      console.log(`  ${span.name} done`);
    }
    // Nothing kept and one queue at Loki: each exact count is one instant query per max_query_length window, as
    // before this change (which then refused a field of more than 500 values with a 400).
    const before = await startService(loki.url, dir, { lanes: false, caching: false });
    try {
      for (const field of ['portal', 'user']) {
        const m = await metered(pid, () => ask(before, '/facets', 24 * HOUR, { field }));
        rows.push({
          name: `exact facets (${field}), nothing kept`,
          span: '24 h',
          cold: m.answer,
          goal: false,
          lokiCores: m.loki,
          otherCores: m.other,
        });
      }
    } finally {
      await before.stop();
    }
    const contention = [];
    for (const lanes of [false, true]) contention.push(await rowsWhileCounting(loki.url, dir, lanes));
    printTable(rows);
    printContention(contention);
    printGoals(rows, contention);
  } catch (error) {
    console.error(`Loki's log ends with:\n${loki.logTail(40)}`);
    throw error;
  } finally {
    await loki.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Waits until Loki counts every seeded event over the day (the flush has reached the store). */
async function waitUntilVisible(lokiUrl: string, toMs: number): Promise<void> {
  const query = `sum(count_over_time({service_name="helpdesk", audit_log_type="access"} [${25 * 3600}s]))`;
  let seen = 0;
  for (let i = 0; i < 120; i++) {
    const res = await fetch(
      `${lokiUrl}/loki/api/v1/query?${new URLSearchParams({ query, time: String(BigInt(toMs + 1000) * 1_000_000n) })}`
    );
    if (res.ok) {
      const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } };
      seen = Number(body.data.result[0]?.value[1] ?? 0);
      if (seen === EVENTS) return;
    }
    await sleep(2000);
  }
  throw new Error(`Loki counts ${seen} of ${EVENTS} seeded events`);
}

/** Runs `run`, measuring the cores Loki and everything else (the bench's own process included) used meanwhile. */
async function metered(
  pid: number | undefined,
  run: () => Promise<Answer>
): Promise<{ answer: Answer; loki: number; other: number }> {
  const loki0 = pid ? processCpuSeconds(pid) : 0;
  const machine0 = machineBusySeconds();
  const t0 = performance.now();
  const answer = await run();
  const wall = (performance.now() - t0) / 1000;
  const loki = pid ? (processCpuSeconds(pid) - loki0) / wall : 0;
  return { answer, loki, other: Math.max(0, (machineBusySeconds() - machine0) / wall - loki) };
}

/**
 * The first page of rows over 24 h asked while a page's chart and two exact facet counts over 24 h are being
 * computed (a fresh service: nothing cached), with or without the service's queues at Loki.
 */
async function rowsWhileCounting(
  lokiUrl: string,
  dir: string,
  lanes: boolean
): Promise<{ lanes: boolean; rows: Answer; counts: Answer[] }> {
  const service = await startService(lokiUrl, dir, { lanes, caching: true });
  try {
    const counts = Promise.all([
      ask(service, '/stats', 24 * HOUR, { by: 'action' }),
      ask(service, '/facets', 24 * HOUR, { field: 'portal' }),
      ask(service, '/facets', 24 * HOUR, { field: 'brand' }),
    ]);
    await sleep(300);
    const rows = await ask(service, '', 24 * HOUR, { limit: '100' });
    return { lanes, rows, counts: await counts };
  } finally {
    await service.stop();
  }
}

const seconds = (a: Answer | undefined) => (a ? `${(a.ms / 1000).toFixed(2)} s` : '-');

function printTable(rows: readonly Row[]): void {
  console.log(
    `\n${'case'.padEnd(38)}${'span'.padEnd(7)}${'cold'.padStart(9)}${'warm'.padStart(9)}${'Loki cores'.padStart(12)}${'others'.padStart(8)}   answer`
  );
  for (const r of rows) {
    console.log(
      [
        r.name.padEnd(38),
        r.span.padEnd(7),
        seconds(r.cold).padStart(9),
        seconds(r.warm).padStart(9),
        r.lokiCores.toFixed(2).padStart(12),
        r.otherCores.toFixed(2).padStart(8),
        `   ${r.cold.note}`,
      ].join('')
    );
  }
  console.log(
    'cold: asked first, with nothing kept; warm: asked again 5 s later over the range moved to the new now. Cores: during the cold answer; others = every process but Loki.'
  );
}

function printContention(runs: ReadonlyArray<{ lanes: boolean; rows: Answer; counts: Answer[] }>): void {
  console.log(
    '\nrows over 24 h asked 0.3 s after a chart and two exact facet counts over 24 h (nothing kept):'
  );
  for (const r of runs) {
    console.log(
      `  ${r.lanes ? 'with queues per lane ' : 'one queue (before)   '} rows ${seconds(r.rows)}; chart and counts ${r.counts.map(seconds).join(', ')}`
    );
  }
}

function printGoals(rows: readonly Row[], contention: ReadonlyArray<{ lanes: boolean; rows: Answer }>): void {
  console.log('\ngoals (1 s):');
  for (const r of rows.filter((x) => x.goal)) {
    const worst = Math.max(r.cold.ms, r.warm?.ms ?? 0);
    const met = worst <= GOAL_MS && r.cold.status === 200;
    console.log(
      `  ${met ? 'met    ' : 'NOT met'}  ${r.name} over ${r.span}: ${seconds(r.cold)} cold, ${seconds(r.warm)} warm${met ? '' : `; during it Loki used ${r.lokiCores.toFixed(2)} cores and the other processes ${r.otherCores.toFixed(2)} of 2 (load average ${loadavg()[0]!.toFixed(1)})`}`
    );
  }
  for (const r of rows.filter((x) => !x.goal && x.warm)) {
    if (r.span !== '24 h') continue;
    const met = r.warm!.ms <= GOAL_MS && r.warm!.status === 200;
    console.log(
      `  ${met ? 'met    ' : 'NOT met'}  ${r.name} over 24 h once kept (warm): ${seconds(r.warm)} (cold ${seconds(r.cold)}, which counts all ${EVENTS.toLocaleString('en')} events at Loki)`
    );
  }
  const withLanes = contention.find((c) => c.lanes)!;
  const without = contention.find((c) => !c.lanes)!;
  console.log(
    `  ${withLanes.rows.ms <= GOAL_MS ? 'met    ' : 'NOT met'}  rows within 1 s while the chart and counts run: ${seconds(withLanes.rows)} with queues per lane, ${seconds(without.rows)} with one queue`
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
