import { stepWindows, windowsForward } from './time-windows';
import type { LokiClient, LokiLane, LokiSeries } from './types';

const S = 1_000_000_000n;
const MS = 1_000_000n;

/** A metric `query_range` over any span. */
export interface WindowedMetricQuery {
  readonly query: string;
  /** Inclusive, ns. */
  readonly start: bigint;
  /** Exclusive, ns. */
  readonly end: bigint;
  /** Whole seconds, shorter than `maxQueryLengthNs`. */
  readonly stepSeconds: number;
  /** Loki's `max_query_length` in ns; 0n for none. */
  readonly maxQueryLengthNs: bigint;
  readonly signal?: AbortSignal;
  /** The queue at Loki. Default: the client's own. */
  readonly lane?: LokiLane;
}

/**
 * The series one `query_range` over [start, end) would answer if Loki had no `max_query_length`: the points on
 * Loki's step grid, read in windows Loki accepts (see `stepWindows`), one window after another.
 */
export async function queryMetricsInWindows(
  client: LokiClient,
  q: WindowedMetricQuery
): Promise<LokiSeries[]> {
  const stepNs = BigInt(q.stepSeconds) * S;
  const merged = new Map<
    string,
    { metric: LokiSeries['metric']; values: Array<readonly [number, number]> }
  >();
  for (const w of stepWindows(q.start, q.end, stepNs, q.maxQueryLengthNs)) {
    const series = await client.queryMetrics({
      query: q.query,
      start: w.first,
      end: w.last,
      step: q.stepSeconds,
      signal: q.signal,
      lane: q.lane,
    });
    for (const s of series) {
      const key = seriesKey(s.metric);
      const into = merged.get(key) ?? { metric: s.metric, values: [] };
      into.values.push(...s.values);
      merged.set(key, into);
    }
  }
  return [...merged.values()];
}

/** A count over a whole span, per series. */
export interface WindowedTotal {
  /** The metric query for a range vector of `rangeMs` milliseconds, e.g. `sum by (x) (count_over_time(... [<rangeMs>ms]))`. */
  readonly query: (rangeMs: bigint) => string;
  /** Inclusive, ns (whole milliseconds). */
  readonly start: bigint;
  /** Exclusive, ns (whole milliseconds). */
  readonly end: bigint;
  /** Loki's `max_query_length` in ns; 0n for none. */
  readonly maxQueryLengthNs: bigint;
  readonly signal?: AbortSignal;
  /** The queue at Loki. Default: the client's own. */
  readonly lane?: LokiLane;
}

/**
 * Totals of a count query over exactly [start, end), per series: one instant query per window no longer than
 * `max_query_length`, evaluated 1 ns before the window's end with a range as long as the window, so that
 * Loki's (time - range, time] is the window's [start, end); the windows' values added up.
 */
export async function totalsInWindows(
  client: LokiClient,
  q: WindowedTotal
): Promise<Array<{ metric: LokiSeries['metric']; total: number }>> {
  const totals = new Map<string, { metric: LokiSeries['metric']; total: number }>();
  for (const w of windowsForward(q.start, q.end, q.maxQueryLengthNs)) {
    const rangeMs = (w.end - w.start + MS - 1n) / MS;
    const series = await client.queryInstant({
      query: q.query(rangeMs),
      time: w.end - 1n,
      signal: q.signal,
      lane: q.lane,
    });
    for (const s of series) {
      const key = seriesKey(s.metric);
      const into = totals.get(key) ?? { metric: s.metric, total: 0 };
      into.total += s.values.reduce((n, [, v]) => n + v, 0);
      totals.set(key, into);
    }
  }
  return [...totals.values()];
}

function seriesKey(metric: LokiSeries['metric']): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
