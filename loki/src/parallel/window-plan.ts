import { windowsForward, type TimeWindow } from '../time-windows';

/** How many entries a count query found in the step ending at `end` (Loki counts (end - step, end]). */
export interface CountBucket {
  /** ns since the epoch. */
  readonly end: bigint;
  readonly count: number;
}

/** What {@link planWindows} cuts. */
export interface WindowPlanOptions {
  /** Inclusive, ns. */
  readonly start: bigint;
  /** Exclusive, ns. */
  readonly end: bigint;
  /** Entries a window should hold; a window closes once it holds at least this many. */
  readonly targetEntries: number;
  /** Longest window Loki accepts (its `max_query_length`), ns; 0n for none. */
  readonly maxLengthNs: bigint;
  /**
   * Loki's `split_queries_by_interval`, ns (0n: none): a window that holds a quarter of `targetEntries` closes at
   * the next multiple of it rather than running across it. The default value is 0n.
   */
  readonly splitNs?: bigint;
}

/**
 * Cuts [start, end) into consecutive windows of about `targetEntries` each, from per-step counts: a window
 * closes after the bucket that brings it to the target, and none is longer than `maxLengthNs`. The windows
 * always cover the whole range (counts only balance them; entries the counts missed are read all the same).
 */
export function planWindows(buckets: readonly CountBucket[], o: WindowPlanOptions): TimeWindow[] {
  const cuts: bigint[] = [];
  const split = o.splitNs ?? 0n;
  let held = 0;
  let before = o.start;
  for (const b of [...buckets].sort((x, y) => (x.end < y.end ? -1 : x.end > y.end ? 1 : 0))) {
    // Loki's frontend would run a window across a split as two queries at once, the second reading a page that is
    // thrown away while the first fills its page: a window with enough in it ends at the split instead.
    const boundary = split > 0n ? b.end - (((b.end % split) + split) % split) : 0n;
    if (
      split > 0n &&
      boundary > before &&
      held > 0 &&
      held * 4 >= o.targetEntries &&
      boundary > (cuts.at(-1) ?? o.start) &&
      boundary < o.end
    ) {
      cuts.push(boundary);
      held = 0;
    }
    before = b.end;
    held += b.count;
    // Entries at exactly `end` belong to this bucket, so the next window starts 1 ns after it.
    const cut = b.end + 1n;
    if (held >= o.targetEntries && cut > (cuts.at(-1) ?? o.start) && cut < o.end) {
      cuts.push(cut);
      held = 0;
    }
  }
  const bounds = [o.start, ...cuts, o.end];
  const windows: TimeWindow[] = [];
  for (let i = 1; i < bounds.length; i++)
    windows.push(...windowsForward(bounds[i - 1]!, bounds[i]!, o.maxLengthNs));
  return windows;
}

/**
 * Entries per window for an export of about `total` entries read `concurrency` windows at a time: enough windows
 * to keep every reader busy, each at most `maxEntries` (about two pages, so a window is read in two requests and
 * the windows read ahead of the one being written stay small).
 */
export function targetWindowEntries(total: number, concurrency: number, maxEntries: number): number {
  return Math.max(1, Math.min(maxEntries, Math.ceil(total / concurrency)));
}
