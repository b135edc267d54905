import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamError } from '../errors';
import { LokiDouble, type SeedEntry } from '../../test/loki-double/loki-double';
import { HttpLokiClient } from '../http-client';
import { readAllEntries, type Page } from '../pager';
import { readInParallel, type ParallelReadOptions } from './parallel-reader';
import type { TimeWindow } from '../time-windows';
import type { LogQueryParams, LokiClient, LokiEntry } from '../types';

const LABELS = { service_name: 'helpdesk', audit_log_type: 'access' };
const QUERY = '{audit_log_type="access"}';
const S = 1_000_000_000n;
const T0 = 1_795_000_000_000_000_000n;
const RANGE = { start: T0, end: T0 + 3600n * S };
const fastRetry = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

let counter = 0;
function entry(ts: bigint): SeedEntry {
  const id = `0190-${(counter++).toString(16).padStart(8, '0')}-${Math.random().toString(16).slice(2, 10)}`;
  return { ts, line: `event ${id}`, labels: LABELS, metadata: { audit_event_id: id } };
}
const idOf = (e: { metadata?: Readonly<Record<string, string>> }) => e.metadata!['audit_event_id']!;

/** 1500 events over the hour, a burst of 600 in one minute, 120 sharing one nanosecond, one at each edge. */
function seed(): SeedEntry[] {
  const entries = [entry(RANGE.start), entry(RANGE.end)];
  for (let i = 0n; i < 1500n; i++) entries.push(entry(RANGE.start + 1n + (i * 3600n * S) / 1500n));
  for (let i = 0n; i < 600n; i++) entries.push(entry(RANGE.start + 1800n * S + (i * 60n * S) / 600n));
  for (let i = 0; i < 120; i++) entries.push(entry(RANGE.start + 2400n * S + 7n));
  return entries;
}

/** A LokiClient that counts log requests in flight and pages fetched, each answered after a short delay. */
class ObservedClient implements LokiClient {
  inFlight = 0;
  maxInFlight = 0;
  fetched = 0;
  readonly signals: AbortSignal[] = [];
  failWhen: ((p: LogQueryParams) => boolean) | undefined;

  constructor(private readonly inner: LokiClient) {}

  async queryLogs(p: LogQueryParams): Promise<LokiEntry[]> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (p.signal) this.signals.push(p.signal);
    try {
      await sleep(15);
      if (this.failWhen?.(p)) throw new UpstreamError('loki', 'Loki answered 400: no', false, 400);
      const page = await this.inner.queryLogs(p);
      this.fetched += 1;
      return page;
    } finally {
      this.inFlight -= 1;
    }
  }
  queryMetrics = (p: Parameters<LokiClient['queryMetrics']>[0]) => this.inner.queryMetrics(p);
  queryInstant = (p: Parameters<LokiClient['queryInstant']>[0]) => this.inner.queryInstant(p);
  ready = () => this.inner.ready();
}

describe('readInParallel', () => {
  let loki: LokiDouble;
  let seeded: SeedEntry[];
  let client: ObservedClient;

  beforeEach(async () => {
    loki = await LokiDouble.start();
    seeded = seed();
    loki.push(seeded);
    client = new ObservedClient(new HttpLokiClient({ url: loki.url, timeoutMs: 5000 }));
  });
  afterEach(() => loki.stop());

  async function readAll(over: Partial<ParallelReadOptions> = {}, perPage?: () => Promise<void>) {
    const pages: Page[] = [];
    let windows: readonly TimeWindow[] = [];
    for await (const page of readInParallel(client, {
      query: QUERY,
      ...RANGE,
      pageSize: 50,
      retry: fastRetry,
      onPlan: (plan) => {
        windows = plan.windows;
      },
      ...over,
    })) {
      pages.push(page);
      await perPage?.();
    }
    return { pages, entries: pages.flatMap((p) => p.entries), windows };
  }

  it('reads every event of [start, end) once, oldest first, with four windows read at once', async () => {
    const { entries, windows } = await readAll();
    const expected = seeded.filter((e) => e.ts >= RANGE.start && e.ts < RANGE.end);
    expect(entries).toHaveLength(expected.length);
    expect(new Set(entries.map(idOf))).toEqual(new Set(expected.map(idOf)));
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.ts >= entries[i - 1]!.ts).toBe(true);
    expect(windows.length).toBeGreaterThan(4);
    expect(client.maxInFlight).toBe(4);
  });

  it('cuts windows of about equal size from the count query, through bursts and a crowded nanosecond', async () => {
    // Cut by the counts alone: the range runs across an hour, where windows otherwise also end (window-plan.test.ts).
    const { windows, pages } = await readAll({ windowEntries: 90, splitIntervalNs: 0n });
    const perWindow = windows.map(
      (w) => pages.flatMap((p) => p.entries).filter((e) => e.ts >= w.start && e.ts < w.end).length
    );
    // Windows close at the first count bucket (2 s here) that reaches 90 entries: the burst (20 per bucket) and the
    // even part (about 1 per bucket) both give windows of 90 to 109; the crowded nanosecond makes one of 120+.
    expect(perWindow.slice(0, -1).filter((n) => n < 90 || n > 110)).toHaveLength(1);
    expect(Math.max(...perWindow)).toBeGreaterThanOrEqual(120);
    expect(perWindow.reduce((a, b) => a + b, 0)).toBe(2221);
    const counts = loki.queries.filter((q) => q.query.startsWith('sum (count_over_time('));
    expect(counts).toHaveLength(1);
    expect(counts[0]!.params.get('step')).toBe('2');
  });

  it('holds at most maxBufferedPages pages (and two of the window being handed over) ahead of a slow consumer', async () => {
    // Evenly spread events only: a crowded nanosecond takes many requests for one page.
    await loki.stop();
    loki = await LokiDouble.start();
    loki.push(Array.from({ length: 2000 }, (_, i) => entry(RANGE.start + BigInt(i) * S)));
    client = new ObservedClient(new HttpLokiClient({ url: loki.url, timeoutMs: 5000 }));
    let consumed = 0;
    let mostAhead = 0;
    // Four windows of ten pages, each page fetched in about 15 ms and written in 60.
    const { entries } = await readAll({ maxBufferedPages: 2, windowEntries: 500 }, async () => {
      consumed += 1;
      mostAhead = Math.max(mostAhead, client.fetched - consumed);
      await sleep(60);
    });
    expect(entries).toHaveLength(2000);
    expect(mostAhead).toBeLessThanOrEqual(2 + 2);
    expect(client.maxInFlight).toBeGreaterThan(1);
  });

  it('gives checkpoints that resume the whole range where the pages handed over end', async () => {
    const { pages } = await readAll();
    const k = Math.floor(pages.length / 2);
    const rest: string[] = [];
    for await (const page of readAllEntries(client, {
      query: QUERY,
      ...RANGE,
      pageSize: 50,
      checkpoint: pages[k - 1]!.checkpoint,
    })) {
      rest.push(...page.entries.map(idOf));
    }
    const all = pages.flatMap((p) => p.entries.map(idOf));
    expect([...pages.slice(0, k).flatMap((p) => p.entries.map(idOf)), ...rest]).toEqual(all);
  });

  it('keeps every request within max_query_length', async () => {
    await loki.stop();
    loki = await LokiDouble.start({ maxQueryLengthNs: 600n * S });
    loki.push(seeded);
    client = new ObservedClient(new HttpLokiClient({ url: loki.url, timeoutMs: 5000 }));
    const { entries, windows } = await readAll({ concurrency: 2, maxQueryLengthNs: 600n * S });
    expect(entries).toHaveLength(2221);
    expect(windows.every((w) => w.end - w.start <= 600n * S)).toBe(true);
  });

  it('reads in order without a count query at concurrency 1', async () => {
    const { entries } = await readAll({ concurrency: 1 });
    expect(entries).toHaveLength(2221);
    expect(client.maxInFlight).toBe(1);
    expect(loki.queries.some((q) => q.params.has('step'))).toBe(false);
  });

  it('fails with the first error and stops every other reader', async () => {
    const failAt = RANGE.start + 1000n * S;
    client.failWhen = (p) => p.start <= failAt && p.end > failAt;
    await expect(readAll()).rejects.toThrow('Loki answered 400: no');
    await sleep(50);
    expect(client.inFlight).toBe(0);
    const requests = client.signals.length;
    await sleep(100);
    expect(client.signals.length).toBe(requests);
  });

  it('leaves out the fields the caller drops, asking Loki with a drop stage', async () => {
    await loki.stop();
    loki = await LokiDouble.start();
    loki.push(
      Array.from({ length: 120 }, (_, i) => ({
        ...entry(RANGE.start + BigInt(i) * S),
        metadata: { audit_event_id: `id-${i}`, user_name: 'bob', scope_name: 'x', observed_timestamp: '1' },
      }))
    );
    client = new ObservedClient(new HttpLokiClient({ url: loki.url, timeoutMs: 5000 }));
    const { entries } = await readAll({ dropFields: ['scope_name', 'observed_timestamp'] });
    expect(entries).toHaveLength(120);
    expect(entries.every((e) => Object.keys(e.metadata).sort().join() === 'audit_event_id,user_name')).toBe(
      true
    );
    const logQueries = loki.queries.filter((q) => !q.params.has('step'));
    expect(logQueries.every((q) => q.query === `${QUERY} | drop scope_name, observed_timestamp`)).toBe(true);
    await expect(
      readInParallel(client, {
        query: QUERY,
        ...RANGE,
        concurrency: 1,
        dropFields: ['x) or vector(1'],
      }).next()
    ).rejects.toThrow(RangeError);
  });

  it('stops reading when the consumer stops early', async () => {
    const pages = readInParallel(client, { query: QUERY, ...RANGE, pageSize: 50 });
    await pages.next();
    await pages.return(undefined);
    expect(client.signals.every((s) => s.aborted)).toBe(true);
    const requests = client.signals.length;
    await sleep(100);
    expect(client.signals.length).toBe(requests);
    expect(client.inFlight).toBe(0);
  });
});
