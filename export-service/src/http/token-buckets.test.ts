import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  it('allows a burst, then a steady rate, and says how long to wait', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3, now: () => now });
    expect([buckets.take('jane'), buckets.take('jane'), buckets.take('jane')]).toEqual([0, 0, 0]);
    expect(buckets.take('jane')).toBeCloseTo(0.5);
    now += 250;
    expect(buckets.take('jane')).toBeCloseTo(0.25);
    now += 250;
    expect(buckets.take('jane')).toBe(0);
    expect(buckets.take('bob')).toBe(0);
    now += 60_000;
    expect([buckets.take('jane'), buckets.take('jane'), buckets.take('jane'), buckets.take('jane')]).toEqual([
      0, 0, 0, 0.5,
    ]);
  });

  it('forgets idle users past maxKeys, so memory stays bounded', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1, maxKeys: 2, now: () => now });
    buckets.take('a');
    buckets.take('b');
    now += 10_000;
    buckets.take('c');
    // a and b were full again: forgotten, and a starts with a full bucket.
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('c')).toBeGreaterThan(0);
  });
});
