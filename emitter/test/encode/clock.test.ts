import { dateToHrTime, nowHrTime } from '../../src/encode/clock';

describe('clock', () => {
  it('gives wall-clock time with nanoseconds in range, moving forward', () => {
    const before = Date.now();
    const [s, ns] = nowHrTime();
    const after = Date.now();
    expect(ns).toBeGreaterThanOrEqual(0);
    expect(ns).toBeLessThan(1_000_000_000);
    const ms = s * 1000 + ns / 1e6;
    expect(ms).toBeGreaterThanOrEqual(before - 1);
    expect(ms).toBeLessThanOrEqual(after + 1);
    const [s2, ns2] = nowHrTime();
    expect(s2 * 1e9 + ns2).toBeGreaterThan(s * 1e9 + ns);
  });

  it('converts dates exactly', () => {
    expect(dateToHrTime(new Date('2026-01-02T03:04:05.678Z'))).toEqual([1767323045, 678_000_000]);
  });
});
