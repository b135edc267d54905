import { InvalidInputError } from '../domain-errors';
import { MAX_POINTS_PER_SERIES } from '@auditlens/loki';

const S = 1_000_000_000n;

/** Bars the chart gets when the request names no step. */
const DEFAULT_BARS = 120;

/**
 * The step of a stats request over a span of `spanNs`, in whole seconds: the requested one, or one giving about
 * 120 bars (at least a minute). Either keeps every series at or under Loki's 11,000 points (Loki's step grid
 * can add a point at each end, hence two fewer) and stays shorter than `max_query_length`, which a step's range
 * vector must fit in; a requested step outside that is a 400 naming `step` and the bound.
 */
export function chooseStatsStep(
  spanNs: bigint,
  requested: number | undefined,
  maxQueryLengthNs: bigint
): number {
  const spanSeconds = Number((spanNs + S - 1n) / S);
  const smallest = Math.max(1, Math.ceil(spanSeconds / (MAX_POINTS_PER_SERIES - 2)));
  const largest = maxQueryLengthNs > 0n ? Number((maxQueryLengthNs - 1n) / S) : Number.MAX_SAFE_INTEGER;
  if (requested !== undefined) {
    if (requested < smallest) {
      throw new InvalidInputError('invalid step', [
        {
          field: 'step',
          message: `must be at least ${smallest} seconds for this range: Loki answers at most ${MAX_POINTS_PER_SERIES.toLocaleString('en')} points per series`,
        },
      ]);
    }
    if (requested > largest) {
      throw new InvalidInputError('invalid step', [
        { field: 'step', message: `must be at most ${largest} seconds: Loki's max_query_length is shorter` },
      ]);
    }
    return requested;
  }
  const auto = Math.max(60, Math.ceil(spanSeconds / DEFAULT_BARS), smallest);
  return Math.min(auto, Math.max(largest, smallest));
}
