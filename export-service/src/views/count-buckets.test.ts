import { planCountPieces, type CountPiece } from './count-buckets';

const MS = 1_000_000n;
const HOUR = 3600_000n * MS;
const DAY = 24n * HOUR;
const MAX = 721n * HOUR;
// A UTC midnight.
const D = BigInt(Date.parse('2026-11-20T00:00:00Z')) * MS;

/** The pieces cover [start, end) exactly once, in order. */
function expectCovers(pieces: readonly CountPiece[], start: bigint, end: bigint): void {
  expect(pieces[0]!.start).toBe(start);
  expect(pieces.at(-1)!.end).toBe(end);
  for (let i = 1; i < pieces.length; i++) expect(pieces[i]!.start).toBe(pieces[i - 1]!.end);
  for (const p of pieces) expect(p.end > p.start).toBe(true);
}

describe('planCountPieces', () => {
  it('counts a settled 24 hours ending now in whole hours, with the part before the first hour and the newest part open', () => {
    const start = D + 10n * HOUR + 17n * 60_000n * MS + 123n * MS;
    const end = start + DAY;
    const settledBefore = end - 600_000n * MS;
    const pieces = planCountPieces(start, end, settledBefore, MAX);
    expectCovers(pieces, start, end);
    const settled = pieces.filter((p) => p.settled);
    // 10:17:00.123 → 11:00 open; 11:00 to midnight, the next day's midnight to 10:00 in hours (a day does not fit).
    expect(pieces[0]).toEqual({ start, end: D + 11n * HOUR, settled: false });
    expect(settled).toHaveLength(23);
    expect(settled.every((p) => p.end - p.start === HOUR && p.start % HOUR === 0n)).toBe(true);
    // The next day's 09:00 hour ended at 10:00, before 10:07 (10 minutes before the end): settled; 10:00 on is open.
    expect(pieces.at(-1)).toEqual({ start: D + DAY + 10n * HOUR, end, settled: false });
    expect(pieces).toHaveLength(25);
  });

  it('leaves the hours that ended within the settle time open, as one piece with the rest', () => {
    const end = D + 12n * HOUR + 5n * 60_000n * MS; // 12:05
    const pieces = planCountPieces(D + 6n * HOUR, end, D + 11n * HOUR + 30n * 60_000n * MS, MAX);
    expectCovers(pieces, D + 6n * HOUR, end);
    expect(pieces.filter((p) => p.settled).map((p) => Number((p.start - D) / HOUR))).toEqual([
      6, 7, 8, 9, 10,
    ]);
    // 11:00 to 12:00 ended after 11:30: open, with the five minutes after it.
    expect(pieces.at(-1)).toEqual({ start: D + 11n * HOUR, end, settled: false });
  });

  it('uses whole days where they fit, so a month is about thirty pieces', () => {
    const start = D - 30n * DAY + 5n * HOUR;
    const end = D + 3n * HOUR + 1n;
    const pieces = planCountPieces(start, end, end, MAX);
    expectCovers(pieces, start, end);
    const sizes = pieces.filter((p) => p.settled).map((p) => (p.end - p.start) / HOUR);
    expect(sizes.filter((s) => s === 24n)).toHaveLength(29);
    expect(sizes.filter((s) => s === 1n)).toHaveLength(19 + 3);
    expect(pieces.at(-1)).toEqual({ start: D + 3n * HOUR, end, settled: false });
  });

  it('keeps every open piece within max_query_length', () => {
    const start = D - 40n * DAY;
    const pieces = planCountPieces(start, D, start, MAX);
    expectCovers(pieces, start, D);
    expect(pieces.every((p) => !p.settled && p.end - p.start <= MAX)).toBe(true);
    expect(pieces).toHaveLength(2);
  });

  it('answers one open piece for a range within one hour', () => {
    expect(planCountPieces(D + 5n, D + 7n, D + DAY, MAX)).toEqual([
      { start: D + 5n, end: D + 7n, settled: false },
    ]);
    expect(planCountPieces(D, D + HOUR, D + HOUR, MAX)).toEqual([{ start: D, end: D + HOUR, settled: true }]);
  });
});
