import { queryMetricsInWindows, type WindowedMetricQuery } from '@auditlens/loki';
import type { LokiClient, LokiSeries } from '@auditlens/loki';
import type { CountCache } from './count-cache';

const S = 1_000_000_000n;

/** More separate stretches of unknown points than this are asked for as one query from the first to the last. */
const MAX_GAPS = 4;

/**
 * The series of a metric `query_range` over [start, end) (see `queryMetricsInWindows`), with the points that
 * ended before `settledBefore` kept in `cache` and not asked for again: a chart of a range ending now asks Loki
 * only for its newest points once it has been drawn. A point at t counts (t - step, t], so it is settled once t
 * is. Without a cache, the same as `queryMetricsInWindows`.
 */
export async function queryMetricsKept(
  loki: LokiClient,
  cache: CountCache | undefined,
  settledBefore: bigint,
  q: WindowedMetricQuery
): Promise<LokiSeries[]> {
  if (!cache) return queryMetricsInWindows(loki, q);
  const stepNs = BigInt(q.stepSeconds) * S;
  // The grid Loki evaluates on: start rounded down, end up (`stepWindows`).
  const first = q.start - (q.start % stepNs);
  const last = q.end % stepNs === 0n ? q.end : q.end + stepNs - (q.end % stepNs);
  const key = (t: bigint) => `points\u0000${q.query}\u0000${q.stepSeconds}\u0000${t}`;
  const points = new Map<bigint, ReadonlyMap<string, number>>();
  const gaps: Array<{ first: bigint; last: bigint }> = [];
  for (let t = first; t <= last; t += stepNs) {
    const cell = t <= settledBefore ? cache.get(key(t)) : undefined;
    if (cell) points.set(t, cell.counts);
    else if (gaps.at(-1)?.last === t - stepNs) gaps[gaps.length - 1] = { first: gaps.at(-1)!.first, last: t };
    else gaps.push({ first: t, last: t });
  }
  const asked = gaps.length > MAX_GAPS ? [{ first: gaps[0]!.first, last: gaps.at(-1)!.last }] : gaps;
  const metrics = new Map<string, LokiSeries['metric']>();
  for (const gap of asked) {
    const series = await queryMetricsInWindows(loki, { ...q, start: gap.first, end: gap.last });
    const answered = new Map<bigint, Map<string, number>>();
    for (let t = gap.first; t <= gap.last; t += stepNs) answered.set(t, new Map());
    for (const s of series) {
      const name = seriesKey(s.metric);
      metrics.set(name, s.metric);
      for (const [seconds, v] of s.values)
        answered.get(BigInt(Math.round(seconds * 1000)) * 1_000_000n)?.set(name, v);
    }
    for (const [t, counts] of answered) {
      points.set(t, counts);
      if (t <= settledBefore) cache.set(key(t), { complete: true, counts });
    }
  }
  const merged = new Map<string, Array<readonly [number, number]>>();
  for (const [t, counts] of [...points].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const [name, v] of counts) {
      if (!merged.has(name)) merged.set(name, []);
      merged.get(name)!.push([Number(t / 1_000_000n) / 1000, v]);
    }
  }
  return [...merged].map(([name, values]) => ({ metric: metrics.get(name) ?? parseSeriesKey(name), values }));
}

function seriesKey(metric: LokiSeries['metric']): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function parseSeriesKey(key: string): LokiSeries['metric'] {
  return Object.fromEntries(JSON.parse(key) as Array<[string, string]>);
}
