import { buildCountQuery } from '../logql';
import { Notifier } from './notifier';
import { PageSizer } from '../page-sizer';
import { readAllEntries, withRetry, type Page, type RetryPolicy } from '../pager';
import { DEFAULT_MAX_QUERY_LENGTH_NS, DEFAULT_SPLIT_INTERVAL_NS } from '../query-limits';
import { windowsForward, type TimeWindow } from '../time-windows';
import type { LokiClient } from '../types';
import { planWindows, targetWindowEntries, type CountBucket } from './window-plan';
import { queryMetricsInWindows } from '../windowed-metrics';

const S = 1_000_000_000n;

/** Buckets of the count query that balances the windows: enough to cut windows finely, few enough to be cheap. */
const COUNT_BUCKETS = 2000;

/** Pages of the window being handed over that may be fetched ahead, besides the windows after it. */
const HEAD_AHEAD = 2;

/** What to read, and how many windows at once. */
export interface ParallelReadOptions {
  readonly query: string;
  /** Inclusive, ns. */
  readonly start: bigint;
  /** Exclusive, ns. */
  readonly end: bigint;
  /** Most entries per request: at most the server's `max_entries_limit_per_query`. The default value is 5000. */
  readonly pageSize?: number;
  /** Bytes of entries a request aims at (see `page-sizer.ts`). The default value is 2 MiB. */
  readonly pageBytes?: number;
  readonly retry?: RetryPolicy;
  readonly signal?: AbortSignal;
  /** Windows read at the same time; 1 reads the range in order with no count query. The default value is 4. */
  readonly concurrency?: number;
  /** Loki's `max_query_length` in ns (0n: none); no window is longer. The default value is 721h. */
  readonly maxQueryLengthNs?: bigint;
  /**
   * Loki's `split_queries_by_interval` in ns (0n: none): windows end at its multiples where they hold enough,
   * so that Loki's frontend does not read a page twice over for them. The default value is 1h, Loki's default.
   */
  readonly splitIntervalNs?: bigint;
  /** Most entries a window aims at. The default value is 90% of two pages (9000 with pages of 5000). */
  readonly windowEntries?: number;
  /**
   * Pages fetched ahead of the one being handed over, over all windows (the window being handed over may always
   * fetch two). The default value is twice `concurrency`.
   */
  readonly maxBufferedPages?: number;
  /**
   * Fields (labels or structured metadata) the caller does not need, left out of Loki's answers with a `drop`
   * stage: Loki serializes fewer fields and the reader parses fewer. Default: none.
   */
  readonly dropFields?: readonly string[];
  /**
   * Told the windows once they are planned, and how many entries the count query found (-1: no count made);
   * reading starts once it settles. Default: none.
   */
  readonly onPlan?: (plan: {
    readonly windows: readonly TimeWindow[];
    readonly counted: number;
  }) => void | Promise<void>;
}

/**
 * Reads every entry matching `query` in [start, end) exactly once, oldest first, like `readAllEntries`, with
 * several time windows read at once.
 *
 * One Loki query is bound by Loki's own per-query work, so a single reader leaves part of Loki's CPUs idle. A
 * count query (`sum(count_over_time(...))` per step) first cuts the range into windows of about equal size; up
 * to `concurrency` windows are then read at the same time, each by `readAllEntries` (with its handling of
 * nanoseconds crowded with more events than a page), and their pages are handed over window by window in time
 * order. A window's start is inclusive and its end exclusive, so every entry belongs to exactly one window.
 * Memory stays flat: a window asks for a page only when there is room for it, so at most `maxBufferedPages`
 * pages (two more for the window being handed over) are held however large the export. Each page's checkpoint
 * is a position in the whole range, since everything before it was handed over.
 */
export async function* readInParallel(client: LokiClient, o: ParallelReadOptions): AsyncGenerator<Page> {
  const concurrency = Math.max(1, o.concurrency ?? 4);
  const pageSize = o.pageSize ?? 5000;
  const maxLength = o.maxQueryLengthNs ?? DEFAULT_MAX_QUERY_LENGTH_NS;
  const plan =
    concurrency === 1
      ? { windows: windowsForward(o.start, o.end, maxLength), counted: -1 }
      : await planByCount(client, o, concurrency, pageSize, maxLength);
  await o.onPlan?.(plan);
  const { windows } = plan;
  if (windows.length === 0) return;
  const logQuery = withDrop(o.query, o.dropFields ?? []);
  // What one window learns about the entries' size, the others use at once.
  const sizer = new PageSizer({ maxEntries: pageSize, maxBytes: o.pageBytes });

  const stop = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
  const maxBuffered = Math.max(1, o.maxBufferedPages ?? concurrency * 2);
  const queues: Page[][] = windows.map(() => []);
  // Pages of each window fetched or being fetched and not yet handed over, and their sum over all windows.
  const held: number[] = windows.map(() => 0);
  const done: boolean[] = windows.map(() => false);
  const changed = new Notifier();
  let head = 0;
  let next = 0;
  let buffered = 0;
  let failure: { error: unknown } | undefined;

  // A window asks for its next page only once there is room for it, so no page is fetched that could not wait.
  const roomFor = (i: number) => (i === head ? held[i]! < HEAD_AHEAD : buffered < maxBuffered);
  const readWindow = async (i: number): Promise<void> => {
    const w = windows[i]!;
    const pages = readAllEntries(client, {
      query: logQuery,
      start: w.start,
      end: w.end,
      pageSize,
      sizer,
      retry: o.retry,
      signal,
      prefetch: false,
    });
    try {
      for (;;) {
        while (!signal.aborted && !roomFor(i)) await changed.wait();
        if (signal.aborted) return;
        held[i] = held[i]! + 1;
        buffered += 1;
        const page = await pages.next();
        if (page.done) {
          held[i] = held[i]! - 1;
          buffered -= 1;
          break;
        }
        queues[i]!.push(page.value);
        changed.notify();
      }
    } finally {
      await pages.return(undefined);
    }
    done[i] = true;
    changed.notify();
  };
  const worker = async (): Promise<void> => {
    while (!failure && !signal.aborted && next < windows.length) await readWindow(next++);
  };
  const workers = Array.from({ length: Math.min(concurrency, windows.length) }, () =>
    worker().catch((error: unknown) => {
      failure ??= { error };
      stop.abort();
      changed.notify();
    })
  );

  try {
    for (head = 0; head < windows.length; head++) {
      changed.notify();
      for (;;) {
        if (failure) throw failure.error;
        const page = queues[head]!.shift();
        if (page) {
          held[head] = held[head]! - 1;
          buffered -= 1;
          changed.notify();
          yield page;
        } else if (done[head]) break;
        else await changed.wait();
      }
    }
  } finally {
    stop.abort();
    changed.notify();
    await Promise.all(workers);
  }
}

/** `query` with a `drop` stage for `fields`, each checked to be a plain label name. */
function withDrop(query: string, fields: readonly string[]): string {
  if (fields.length === 0) return query;
  for (const f of fields)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(f)) throw new RangeError(`not a label name: ${f}`);
  return `${query} | drop ${fields.join(', ')}`;
}

/** The windows cut from a count query over the range, balanced for `concurrency` readers. */
async function planByCount(
  client: LokiClient,
  o: ParallelReadOptions,
  concurrency: number,
  pageSize: number,
  maxLength: bigint
): Promise<{ windows: TimeWindow[]; counted: number }> {
  const spanSeconds = Number((o.end - o.start + S - 1n) / S);
  const stepSeconds = Math.max(1, Math.ceil(spanSeconds / COUNT_BUCKETS));
  const series = await withRetry(o.retry, o.signal, () =>
    queryMetricsInWindows(client, {
      query: buildCountQuery(o.query, undefined, BigInt(stepSeconds) * 1000n),
      start: o.start,
      end: o.end,
      stepSeconds,
      maxQueryLengthNs: maxLength,
      signal: o.signal,
    })
  );
  const buckets: CountBucket[] = series.flatMap((s) =>
    s.values.map(([t, n]) => ({ end: BigInt(Math.round(t * 1000)) * 1_000_000n, count: n }))
  );
  const counted = buckets.reduce((n, b) => n + b.count, 0);
  const most = o.windowEntries ?? Math.floor(pageSize * 2 * 0.9);
  const windows = planWindows(buckets, {
    start: o.start,
    end: o.end,
    targetEntries: targetWindowEntries(counted, concurrency, most),
    maxLengthNs: maxLength,
    splitNs: o.splitIntervalNs ?? DEFAULT_SPLIT_INTERVAL_NS,
  });
  return { windows, counted };
}
