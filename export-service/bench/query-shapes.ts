// How the shape of an export's Loki queries changes Loki's CPU per row read: page limits, windows, page ends
// aligned to Loki's hour-long splits or adapted to the span the previous page covered, the `drop` stage. Seeds a
// real Loki (LOKI_BIN) like the real-Loki bench, then reads the whole range once per shape and prints rows, seconds,
// Loki's and this process's CPU µs per row, the requests made and the lines Loki processed per row returned (from the
// `stats` of its answers: the same whatever the load). An experiment, not a goal: `BENCH_LOKI_EVENTS` (default 100,000),
// `SHAPES` (names separated by `;`; default all) and `ROUNDS` (default 1) change it.
import { LOKI_ADDED_METADATA } from '@auditlens/contract';
import { HttpLokiClient, buildLogQuery, readAllEntries, readInParallel } from '@auditlens/loki';
import type { LokiClient, LokiEntry } from '@auditlens/loki';
import { loadavg } from 'node:os';
import { startBenchLoki } from './bench-loki';
import { findProcess, processCpuSeconds } from './cpu-meter';
import { seedAccessEvents } from './seed-loki';

const EVENTS = Number(process.env['BENCH_LOKI_EVENTS'] ?? 100_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 1);
const SPAN_MS = 100 * 60_000;
const HOUR = 3_600_000_000_000n;
const QUERY = buildLogQuery('access', {}, { serviceName: 'helpdesk' });
const DROP = `${QUERY} | drop ${LOKI_ADDED_METADATA.filter((f) => f !== 'severity_number').join(', ')}`;

/** Lines Loki processed and requests made, summed from the `stats` of Loki's answers (load-independent). */
const processed = { lines: 0, requests: 0, decompressed: 0 };

/** A LokiClient that reads Loki's query statistics too: HttpLokiClient for everything, log queries by fetch. */
function countingClient(url: string): LokiClient {
  const inner = new HttpLokiClient({ url, timeoutMs: 120_000 });
  return {
    queryMetrics: (p) => inner.queryMetrics(p),
    queryInstant: (p) => inner.queryInstant(p),
    ready: (s) => inner.ready(s),
    async queryLogs(p) {
      const params = new URLSearchParams({
        query: p.query,
        start: String(p.start),
        end: String(p.end),
        limit: String(p.limit),
        direction: p.direction,
      });
      const res = await fetch(`${url}/loki/api/v1/query_range?${params}`, {
        headers: { 'X-Loki-Response-Encoding-Flags': 'categorize-labels' },
      });
      if (!res.ok) throw new Error(`Loki answered ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as {
        data: {
          stats: {
            summary: { totalLinesProcessed: number };
            ingester: { store: { chunk: { decompressedLines: number; headChunkLines: number } } };
            querier: { store: { chunk: { decompressedLines: number; headChunkLines: number } } };
          };
          result: Array<{
            stream: Record<string, string>;
            values: Array<[string, string, { structuredMetadata?: Record<string, string> }?]>;
          }>;
        };
      };
      const st = body.data.stats;
      processed.lines += st.summary.totalLinesProcessed;
      processed.decompressed +=
        st.ingester.store.chunk.decompressedLines +
        st.ingester.store.chunk.headChunkLines +
        st.querier.store.chunk.decompressedLines +
        st.querier.store.chunk.headChunkLines;
      processed.requests += 1;
      const entries: LokiEntry[] = [];
      for (const r of body.data.result)
        for (const [ts, line, extra] of r.values)
          entries.push({ ts: BigInt(ts), line, labels: r.stream, metadata: extra?.structuredMetadata ?? {} });
      entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      return entries;
    },
  };
}

type EndPolicy = (cursor: bigint, end: bigint, lastSpan: bigint | undefined) => bigint;

/** A plain forward pager over [start, end) whose every request ends where `endOf` says; counts rows once. */
async function simpleRead(
  client: LokiClient,
  query: string,
  start: bigint,
  end: bigint,
  limit: number,
  endOf: EndPolicy
): Promise<number> {
  let cursor = start;
  let seen = new Set<string>();
  let rows = 0;
  let lastSpan: bigint | undefined;
  const id = (e: LokiEntry) => e.metadata['audit_event_id'] ?? `${e.ts}${e.line}`;
  while (cursor < end) {
    const to = endOf(cursor, end, lastSpan);
    const entries = await client.queryLogs({ query, start: cursor, end: to, limit, direction: 'forward' });
    const fresh = entries.filter((e) => !(e.ts === cursor && seen.has(id(e))));
    rows += fresh.length;
    if (entries.length < limit) {
      // Everything of [cursor, to) is read.
      if (fresh.length > 0) lastSpan = ((to - cursor) * BigInt(limit)) / BigInt(Math.max(1, entries.length));
      cursor = to;
      seen = new Set();
      continue;
    }
    const lastTs = entries[entries.length - 1]!.ts;
    lastSpan = lastTs - cursor + 1n;
    if (lastTs !== cursor) seen = new Set();
    for (const e of fresh) if (e.ts === lastTs) seen.add(id(e));
    cursor = lastTs;
  }
  return rows;
}

/** 50 requests of one entry each, from points spread over the range; counted as 100,000 rows (µs/row x 2000: µs/request). */
async function probe(
  client: LokiClient,
  start: bigint,
  end: bigint,
  to: (c: bigint) => bigint
): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const c = start + ((end - start) * BigInt(i)) / 50n;
    await client.queryLogs({ query: QUERY, start: c, end: to(c), limit: 1, direction: 'forward' });
  }
  return 100_000;
}

const toEnd: EndPolicy = (_c, end) => end;
const hourAligned: EndPolicy = (c, end) => {
  const next = c - (c % HOUR) + HOUR;
  return next < end ? next : end;
};
const adaptive =
  (factor: number): EndPolicy =>
  (c, end, span) => {
    const h = hourAligned(c, end, span);
    if (span === undefined) return h;
    const to = c + (span * BigInt(Math.round(factor * 100))) / 100n;
    return to < h ? to : h;
  };

async function main(): Promise<void> {
  if (!process.env['LOKI_BIN']) {
    console.log('query-shapes skipped: LOKI_BIN is not set');
    return;
  }
  const loki = await startBenchLoki();
  try {
    const toMs = Date.now() - 60_000;
    const fromMs = toMs - SPAN_MS;
    await seedAccessEvents(loki.url, EVENTS, fromMs, toMs);
    const start = BigInt(fromMs - 1000) * 1_000_000n;
    const end = BigInt(toMs + 1000) * 1_000_000n;
    const pid = findProcess(`-config.file=${loki.configFile}`)!;
    const client = countingClient(loki.url);
    const count = async (pages: AsyncIterable<{ entries: readonly LokiEntry[] }>) => {
      let n = 0;
      for await (const p of pages) n += p.entries.length;
      return n;
    };
    const shapes: Record<string, () => Promise<number>> = {
      'pager 5000 to end (raw reader)': () =>
        count(readAllEntries(client, { query: QUERY, start, end, pageSize: 5000 })),
      'pager 5000 to end, drop': () =>
        count(readAllEntries(client, { query: DROP, start, end, pageSize: 5000 })),
      'simple 2400 to end': () => simpleRead(client, QUERY, start, end, 2400, toEnd),
      'simple 2400 hour-aligned': () => simpleRead(client, QUERY, start, end, 2400, hourAligned),
      'simple 2400 hour-aligned, drop': () => simpleRead(client, DROP, start, end, 2400, hourAligned),
      'simple 2400 adaptive x1.1': () => simpleRead(client, QUERY, start, end, 2400, adaptive(1.1)),
      'simple 2400 adaptive x1.1, drop': () => simpleRead(client, DROP, start, end, 2400, adaptive(1.1)),
      'simple 1000 hour-aligned': () => simpleRead(client, QUERY, start, end, 1000, hourAligned),
      'simple 1000 adaptive x1.1': () => simpleRead(client, QUERY, start, end, 1000, adaptive(1.1)),
      'simple 5000 adaptive x1.1': () => simpleRead(client, QUERY, start, end, 5000, adaptive(1.1)),
      'simple 2400 adaptive x1.5': () => simpleRead(client, QUERY, start, end, 2400, adaptive(1.5)),
      'simple 2400 adaptive x1.0': () => simpleRead(client, QUERY, start, end, 2400, adaptive(1.0)),
      'count query': async () => {
        await client.queryMetrics({ query: `sum(count_over_time(${QUERY} [3s]))`, start, end, step: 3 });
        return EVENTS;
      },
      '50 requests limit 1 to end': () => probe(client, start, end, () => end),
      '50 requests limit 1 over 10 s': () => probe(client, start, end, (c) => c + 10_000_000_000n),
      'parallel 4, drop (export)': () =>
        count(
          readInParallel(client, {
            query: QUERY,
            start,
            end,
            concurrency: 4,
            dropFields: LOKI_ADDED_METADATA.filter((f) => f !== 'severity_number'),
          })
        ),
      'parallel 4, no drop': () =>
        count(readInParallel(client, { query: QUERY, start, end, concurrency: 4 })),
      'parallel 4, drop, 8 MiB pages': () =>
        count(
          readInParallel(client, {
            query: QUERY,
            start,
            end,
            concurrency: 4,
            pageBytes: 8 * 1024 * 1024,
            dropFields: LOKI_ADDED_METADATA.filter((f) => f !== 'severity_number'),
          })
        ),
      'parallel 1, drop': () =>
        count(
          readInParallel(client, {
            query: QUERY,
            start,
            end,
            concurrency: 1,
            dropFields: LOKI_ADDED_METADATA.filter((f) => f !== 'severity_number'),
          })
        ),
    };
    const wanted = process.env['SHAPES']?.split(';') ?? Object.keys(shapes);
    console.log(`${EVENTS} events; load average ${loadavg()[0]!.toFixed(1)}`);
    console.log(
      'shape                                  rows   seconds  Loki µs/row  client µs/row  requests  lines processed/row  decompressed/row'
    );
    for (let round = 0; round < ROUNDS; round++)
      for (const name of wanted) {
        const run = shapes[name];
        if (!run) throw new Error(`no shape ${name}`);
        Object.assign(processed, { lines: 0, requests: 0, decompressed: 0 });
        const loki0 = processCpuSeconds(pid);
        const cpu0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        const rows = await run();
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        const lokiUs = ((processCpuSeconds(pid) - loki0) * 1e6) / rows;
        const cpu = process.cpuUsage(cpu0);
        console.log(
          `${name.padEnd(34)} ${String(rows).padStart(8)} ${seconds.toFixed(1).padStart(8)} ${lokiUs.toFixed(0).padStart(12)} ${((cpu.user + cpu.system) / rows).toFixed(0).padStart(14)} ${String(processed.requests).padStart(9)} ${(processed.lines / rows).toFixed(2).padStart(20)} ${(processed.decompressed / rows).toFixed(2).padStart(17)}  load ${loadavg()[0]!.toFixed(1)}`
        );
      }
  } finally {
    await loki.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
