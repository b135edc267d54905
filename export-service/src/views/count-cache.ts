/**
 * Counts per value of a time bucket, as far as they are known: `complete` when every value of the bucket was
 * counted (values not in `counts` have none), otherwise only the values in `counts` were (zeros included).
 */
export interface CountCell {
  readonly complete: boolean;
  readonly counts: ReadonlyMap<string, number>;
}

/**
 * A bounded map of count cells, least recently used dropped first. It only ever holds counts of buckets that
 * ended long enough ago not to change (see `count-buckets.ts`), so a cell is never stale and has no expiry.
 * `maxValues` bounds the values held over all cells (each a few dozen bytes); 0 holds nothing.
 */
export class CountCache {
  private readonly cells = new Map<string, CountCell>();
  private held = 0;

  constructor(private readonly maxValues: number) {}

  /** The cell under `key`, marked as recently used; undefined when not held. */
  get(key: string): CountCell | undefined {
    const cell = this.cells.get(key);
    if (cell) {
      this.cells.delete(key);
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** Holds `cell` under `key` (replacing what was there), then drops the least recently used past the bound. */
  set(key: string, cell: CountCell): void {
    const old = this.cells.get(key);
    if (old) {
      this.held -= weight(old);
      this.cells.delete(key);
    }
    if (weight(cell) > this.maxValues) return;
    this.cells.set(key, cell);
    this.held += weight(cell);
    for (const [k, c] of this.cells) {
      if (this.held <= this.maxValues) break;
      this.cells.delete(k);
      this.held -= weight(c);
    }
  }

  /** Cells and values held, for metrics and tests. */
  get size(): { readonly cells: number; readonly values: number } {
    return { cells: this.cells.size, values: this.held };
  }
}

// An empty cell still costs its key.
function weight(cell: CountCell): number {
  return cell.counts.size + 1;
}
