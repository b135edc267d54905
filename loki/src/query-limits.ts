/** Loki's `limits_config.max_query_length` default: 721h (`30d1h`), in ns. */
export const DEFAULT_MAX_QUERY_LENGTH_NS = 721n * 3_600_000_000_000n;

/**
 * Loki's `limits_config.split_queries_by_interval` default: 1h, in ns. The query frontend cuts a log query at
 * multiples of it (from the epoch) and runs the pieces at once, each reading up to the query's limit; what the
 * later pieces read is thrown away when the first ones fill the limit.
 */
export const DEFAULT_SPLIT_INTERVAL_NS = 3_600_000_000_000n;

/** Loki answers at most 11,000 points per series of a `query_range` metric query (`pkg/loghttp/query.go`). */
export const MAX_POINTS_PER_SERIES = 11_000;

const UNITS_NS: Readonly<Record<string, bigint>> = {
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
  y: 31_536_000_000_000_000n,
};

/**
 * A duration as Loki's configuration writes it (Prometheus' `model.Duration`: `721h`, `30d1h`, `90m`, `0`), in
 * ns; undefined when it is not one. `0` means no limit, as in Loki.
 */
export function parseLokiDuration(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0n;
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(trimmed)) return undefined;
  let total = 0n;
  for (const [, n, unit] of trimmed.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g))
    total += BigInt(n!) * UNITS_NS[unit!]!;
  return total;
}
