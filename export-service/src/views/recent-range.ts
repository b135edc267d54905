import type { NsRange } from './time-range';

/**
 * A range that ends now (within `windowMs` of `now`, or later) with both ends moved back to a multiple of
 * `windowMs`, so that pages opened within the same few seconds ask Loki the identical query and share its
 * answer (see `limits/shedding-loki-client.ts`): what is shown is then at most `windowMs` old, the same as a
 * shared answer. A range in the past is read exactly as asked. `windowMs` 0 changes nothing.
 */
export function alignRecentRange(range: NsRange, windowMs: number, now = Date.now()): NsRange {
  if (windowMs <= 0 || range.to.getTime() < now - windowMs) return range;
  const from = Math.floor(range.from.getTime() / windowMs) * windowMs;
  const to = Math.floor(range.to.getTime() / windowMs) * windowMs;
  if (from >= to) return range;
  return {
    from: new Date(from),
    to: new Date(to),
    start: BigInt(from) * 1_000_000n,
    end: BigInt(to) * 1_000_000n,
  };
}
