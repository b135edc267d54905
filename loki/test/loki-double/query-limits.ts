import { LokiQueryError } from './logql-eval';

/** Loki's `limits_config.max_query_length` default, 721h (`30d1h`), in ns. */
export const DEFAULT_MAX_QUERY_LENGTH_NS = 721n * 3_600_000_000_000n;

const MS = 1_000_000n;

/**
 * The query frontend's length check of a `query_range` request: the span from start to end, both truncated to
 * milliseconds, may not exceed `max_query_length` (0 disables it). Follows `limitsMiddleware.Do` in Loki's
 * `pkg/querier/queryrange/limits.go` and the message `ErrQueryTooLong` of `pkg/util/validation`.
 */
export function checkQueryLength(start: bigint, end: bigint, maxLengthNs: bigint): void {
  const length = (end / MS - start / MS) * MS;
  if (maxLengthNs > 0n && length > maxLengthNs) throw queryTooLong(length, maxLengthNs);
}

/**
 * The querier's check of a metric query. The frontend cuts the step-aligned range into splits no shorter than
 * the range vector (`reduceSplitIntervalForRangeVector` in Loki's `pkg/querier/queryrange/splitters.go`, at
 * least 1h by default), or by step when the step is at least that long, and the querier reads each split from
 * `[range]` before its start (`ValidateQueryTimeRangeLimits` in `pkg/querier/querier.go`): split span plus
 * range may not exceed `max_query_length`. Split by step, each split spans one step, and a query of a single
 * point reads 1 ns past it, so a step as long as the limit is refused even for one point (both checked against
 * Loki 3.7.6 in the contract suite).
 */
export function checkRangeVector(
  alignedSpanNs: bigint,
  stepNs: bigint,
  rangeNs: bigint,
  maxLengthNs: bigint
): void {
  const interval = rangeNs > 3_600_000_000_000n ? rangeNs : 3_600_000_000_000n;
  const split =
    stepNs >= interval
      ? alignedSpanNs === 0n
        ? 1n
        : stepNs
      : alignedSpanNs < interval
        ? alignedSpanNs
        : interval;
  if (maxLengthNs > 0n && rangeNs + split > maxLengthNs) throw queryTooLong(rangeNs + split, maxLengthNs);
}

/**
 * At most 11,000 points per series: `(end - start) / step > 11000` is refused, with integer division of the
 * durations (`ParseRangeQuery` in Loki's `pkg/loghttp/query.go`, `errStepTooSmall`).
 */
export function checkResolution(start: bigint, end: bigint, stepNs: bigint): void {
  if ((end - start) / stepNs > 11_000n) {
    throw new LokiQueryError(
      'exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter'
    );
  }
}

/**
 * Metric queries are evaluated on a grid of multiples of `step` from the epoch: the frontend rounds start down
 * and end up (`alignStartEnd` in Loki's `pkg/querier/queryrange/splitters.go`), unconditionally.
 */
export function alignToStep(start: bigint, end: bigint, stepNs: bigint): { start: bigint; end: bigint } {
  const mod = end % stepNs;
  return { start: start - (start % stepNs), end: mod === 0n ? end : end + stepNs - mod };
}

function queryTooLong(lengthNs: bigint, limitNs: bigint): LokiQueryError {
  return new LokiQueryError(
    `the query time range exceeds the limit (query length: ${goDuration(lengthNs)}, limit: ${modelDuration(limitNs)})`
  );
}

/** A duration as Go's `time.Duration.String()` writes it, for durations of a second or more: `960h0m0s`. */
export function goDuration(ns: bigint): string {
  const hours = ns / 3_600_000_000_000n;
  const minutes = (ns / 60_000_000_000n) % 60n;
  const wholeSeconds = (ns / 1_000_000_000n) % 60n;
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const seconds = `${wholeSeconds}${fraction ? `.${fraction}` : ''}s`;
  if (hours > 0n) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${minutes}m${seconds}`;
  return seconds;
}

/**
 * A duration as Prometheus' `model.Duration.String()` writes it (`30d1h`): years and weeks only when they
 * divide it exactly, then days, hours, minutes, seconds and milliseconds (prometheus/common `model/time.go`).
 */
export function modelDuration(ns: bigint): string {
  let ms = ns / MS;
  if (ms === 0n) return '0s';
  let out = '';
  const unit = (name: string, size: bigint, exact: boolean) => {
    if (exact && ms % size !== 0n) return;
    const v = ms / size;
    if (v > 0n) {
      out += `${v}${name}`;
      ms -= v * size;
    }
  };
  const day = 86_400_000n;
  unit('y', 365n * day, true);
  unit('w', 7n * day, true);
  unit('d', day, false);
  unit('h', 3_600_000n, false);
  unit('m', 60_000n, false);
  unit('s', 1000n, false);
  unit('ms', 1n, false);
  return out;
}
