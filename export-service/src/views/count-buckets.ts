import { windowsForward } from '@auditlens/loki';

const HOUR = 3_600_000_000_000n;
const DAY = 24n * HOUR;

/** A half-open piece [start, end) of a counted range, ns; `settled` when its counts are kept (a whole bucket). */
export interface CountPiece {
  readonly start: bigint;
  readonly end: bigint;
  readonly settled: boolean;
}

/**
 * [start, end) cut into the pieces facets are counted in: whole UTC days and hours (multiples of a day or an hour
 * from the epoch) that ended before `settledBefore`, whose counts no longer change and are kept, and the rest as
 * few pieces as possible: the part before the first whole hour, and everything from the first hour that is not
 * settled (the newest events, which may still arrive) to the end. A range ending now thus needs two small queries
 * once its hours are counted, however long it is. Days are used where a whole one fits, so a month is about thirty
 * queries, not 720. No piece is longer than `maxLengthNs` (Loki's `max_query_length`; 0n for none).
 */
export function planCountPieces(
  start: bigint,
  end: bigint,
  settledBefore: bigint,
  maxLengthNs: bigint
): CountPiece[] {
  const pieces: CountPiece[] = [];
  const open = (from: bigint, to: bigint) => {
    for (const w of windowsForward(from, to, maxLengthNs)) pieces.push({ ...w, settled: false });
  };
  let t = start;
  if (t % HOUR !== 0n) {
    const next = t - (t % HOUR) + HOUR;
    const to = next < end ? next : end;
    open(t, to);
    t = to;
  }
  while (t < end) {
    const size = t % DAY === 0n && t + DAY <= end && t + DAY <= settledBefore ? DAY : HOUR;
    if (t + size > end || t + size > settledBefore) break;
    pieces.push({ start: t, end: t + size, settled: true });
    t += size;
  }
  if (t < end) open(t, end);
  return pieces;
}
