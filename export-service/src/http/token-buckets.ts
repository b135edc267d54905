/** Options of {@link TokenBuckets}. */
export interface TokenBucketOptions {
  /** Tokens added per second to each bucket. */
  readonly perSecond: number;
  /** Tokens a bucket holds at most: how many requests may come at once after a quiet spell. */
  readonly burst: number;
  /** Buckets kept before full ones are forgotten. The default value is 10000. */
  readonly maxKeys?: number;
  /** Clock in ms. Default `Date.now`. */
  readonly now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** One token bucket per key (a user), in memory: a steady rate with bursts, and how long to wait past it. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: TokenBucketOptions) {}

  /** Takes a token from `key`'s bucket: 0 when there was one, else the seconds until there will be. */
  take(key: string): number {
    const now = (this.options.now ?? Date.now)();
    const { perSecond, burst } = this.options;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.buckets.delete(key); // re-inserted last: the Map's order is then least recently used first
    this.buckets.set(key, bucket);
    this.forgetIdle(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / perSecond;
  }

  private forgetIdle(now: number): void {
    const max = this.options.maxKeys ?? 10_000;
    for (const [key, bucket] of this.buckets) {
      if (this.buckets.size <= max) return;
      // A bucket refilled by now is the same as a new one.
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.options.perSecond >= this.options.burst)
        this.buckets.delete(key);
      else return;
    }
  }
}
