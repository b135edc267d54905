/**
 * Answers kept for `ttlMs` after they were made, at most `maxEntries` (the oldest dropped first). Only answers
 * are kept, not computations in flight: identical Loki queries in flight are shared by the Loki client already
 * (`loki/shedding-client.ts`), which also cancels one only when every caller waiting for it has gone.
 */
export class ExpiringCache<T> {
  private readonly entries = new Map<string, { readonly at: number; readonly value: T }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now
  ) {}

  /** The kept answer for `key`, or else `make()`'s, kept from when it comes. */
  async get(key: string, make: () => Promise<T>): Promise<T> {
    const kept = this.entries.get(key);
    if (kept && this.now() - kept.at <= this.ttlMs) return kept.value;
    const value = await make();
    if (this.ttlMs > 0 && this.maxEntries > 0) {
      const at = this.now();
      this.entries.delete(key);
      this.entries.set(key, { at, value });
      for (const [k, e] of this.entries) {
        if (this.entries.size <= this.maxEntries && at - e.at <= this.ttlMs) break;
        this.entries.delete(k);
      }
    }
    return value;
  }
}
