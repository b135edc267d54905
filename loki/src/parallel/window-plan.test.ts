import { planWindows, type CountBucket } from './window-plan';

const S = 1_000_000_000n;
const HOUR = 3600n * S;

/** Buckets of `count` entries every `stepS` seconds over [fromS, toS). */
function buckets(fromS: number, toS: number, stepS: number, count: number): CountBucket[] {
  const out: CountBucket[] = [];
  for (let t = fromS + stepS; t <= toS; t += stepS) out.push({ end: BigInt(t) * S, count });
  return out;
}

describe('planWindows', () => {
  const start = 10n * HOUR + 1800n * S; // 10:30
  const end = 12n * HOUR + 1800n * S; // 12:30

  it('cuts by count alone without a split interval, covering the range without gaps', () => {
    const windows = planWindows(buckets(37_800, 45_000, 60, 100), {
      start,
      end,
      targetEntries: 2000,
      maxLengthNs: 0n,
    });
    expect(windows[0]!.start).toBe(start);
    expect(windows.at(-1)!.end).toBe(end);
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.start).toBe(windows[i - 1]!.end);
    expect(windows.some((w) => w.start % HOUR === 0n)).toBe(false);
  });

  it('ends a window that holds a quarter of the target at the next split', () => {
    const windows = planWindows(buckets(37_800, 45_000, 60, 100), {
      start,
      end,
      targetEntries: 2000,
      maxLengthNs: 0n,
      splitNs: HOUR,
    });
    expect(windows[0]!.start).toBe(start);
    expect(windows.at(-1)!.end).toBe(end);
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.start).toBe(windows[i - 1]!.end);
    // A window runs across a split only with less than a quarter of the target (5 minutes here) before it.
    for (const w of windows) {
      const split = (w.start / HOUR + 1n) * HOUR;
      if (split < w.end) expect(split - w.start).toBeLessThan(300n * S);
    }
    // 10:50 to 11:00 holds 1000 entries: the window ends at 11:00; 11:59 to 12:00 holds 100, and runs across it.
    expect(windows.map((w) => w.start)).toContain(11n * HOUR);
    expect(windows.map((w) => w.start)).not.toContain(12n * HOUR);
  });

  it('runs a window across a split when it holds less than a quarter of the target', () => {
    // 10 entries a minute: 300 before 11:00, under a quarter of 2000; 600 more by 12:00, over it.
    const windows = planWindows(buckets(37_800, 45_000, 60, 10), {
      start,
      end,
      targetEntries: 2000,
      maxLengthNs: 0n,
      splitNs: HOUR,
    });
    expect(windows.map((w) => w.start)).not.toContain(11n * HOUR);
    expect(windows.map((w) => w.start)).toContain(12n * HOUR);
  });
});
