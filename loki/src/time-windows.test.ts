import { DEFAULT_MAX_QUERY_LENGTH_NS, parseLokiDuration } from './query-limits';
import {
  stepWindows,
  windowsBackward,
  windowsForward,
  windowsGrowingBackward,
  type TimeWindow,
} from './time-windows';

const H = 3_600_000_000_000n;
const S = 1_000_000_000n;
const T0 = 1_795_000_000_123_000_000n;

function expectTiling(windows: readonly TimeWindow[], start: bigint, end: bigint, max: bigint): void {
  const sorted = [...windows].sort((a, b) => (a.start < b.start ? -1 : 1));
  expect(sorted[0]!.start).toBe(start);
  expect(sorted.at(-1)!.end).toBe(end);
  for (const [i, w] of sorted.entries()) {
    expect(w.end - w.start).toBeGreaterThan(0n);
    expect(w.end - w.start).toBeLessThanOrEqual(max);
    if (i > 0) expect(w.start).toBe(sorted[i - 1]!.end);
  }
}

describe('windowsGrowingBackward', () => {
  it('cuts a range newest first from an hour on, each window three times all before it, within max_query_length', () => {
    const end = T0 + 60n * 24n * H;
    const windows = windowsGrowingBackward(T0, end, DEFAULT_MAX_QUERY_LENGTH_NS);
    expectTiling(windows, T0, end, DEFAULT_MAX_QUERY_LENGTH_NS);
    expect(windows.map((w) => (w.end - w.start) / H)).toEqual([1n, 3n, 12n, 48n, 192n, 721n, 463n]);
    expect(windows[0]).toEqual({ start: end - H, end });
    expect(windowsGrowingBackward(T0, T0 + 30n * 60n * S, 0n)).toEqual([
      { start: T0, end: T0 + 30n * 60n * S },
    ]);
    expect(windowsGrowingBackward(T0, T0 + 24n * H, 0n).map((w) => (w.end - w.start) / H)).toEqual([
      1n,
      3n,
      12n,
      8n,
    ]);
    expect(windowsGrowingBackward(T0, T0, H)).toEqual([]);
  });

  it('starts from a shorter newest window when given one, growing the same way', () => {
    const five = 300n * S;
    const windows = windowsGrowingBackward(T0, T0 + 24n * H, DEFAULT_MAX_QUERY_LENGTH_NS, five);
    expectTiling(windows, T0, T0 + 24n * H, DEFAULT_MAX_QUERY_LENGTH_NS);
    expect(windows.map((w) => (w.end - w.start) / five)).toEqual([1n, 3n, 12n, 48n, 192n, 32n]);
  });
});

describe('windowsForward and windowsBackward', () => {
  it('cut a 366-day range into consecutive windows of at most 721h, oldest or newest first', () => {
    const end = T0 + 366n * 24n * H;
    const forward = windowsForward(T0, end, DEFAULT_MAX_QUERY_LENGTH_NS);
    expect(forward).toHaveLength(13);
    expectTiling(forward, T0, end, DEFAULT_MAX_QUERY_LENGTH_NS);
    expect(forward[0]).toEqual({ start: T0, end: T0 + 721n * H });
    const backward = windowsBackward(T0, end, DEFAULT_MAX_QUERY_LENGTH_NS);
    expect(backward).toHaveLength(13);
    expectTiling(backward, T0, end, DEFAULT_MAX_QUERY_LENGTH_NS);
    expect(backward[0]).toEqual({ start: end - 721n * H, end });
    expect(backward.at(-1)!.start).toBe(T0);
  });

  it('keep a short range whole, make none of an empty one, and take 0 as no limit', () => {
    expect(windowsForward(T0, T0 + H, DEFAULT_MAX_QUERY_LENGTH_NS)).toEqual([{ start: T0, end: T0 + H }]);
    expect(windowsBackward(T0, T0 + 721n * H, DEFAULT_MAX_QUERY_LENGTH_NS)).toEqual([
      { start: T0, end: T0 + 721n * H },
    ]);
    expect(windowsForward(T0, T0, H)).toEqual([]);
    expect(windowsForward(T0, T0 + 9000n * H, 0n)).toEqual([{ start: T0, end: T0 + 9000n * H }]);
  });
});

describe('stepWindows', () => {
  it("puts every point on Loki's grid from the epoch, start rounded down and end up, with no gap or repeat", () => {
    const step = 3600n * S;
    const start = T0;
    const end = T0 + 366n * 24n * H;
    const windows = stepWindows(start, end, step, DEFAULT_MAX_QUERY_LENGTH_NS);
    const points: bigint[] = [];
    for (const w of windows) {
      expect(w.first % step).toBe(0n);
      expect(w.last % step).toBe(0n);
      // Loki's frontend and querier checks: span within the limit, span plus the range vector under it.
      expect(w.last - w.first + step).toBeLessThan(DEFAULT_MAX_QUERY_LENGTH_NS);
      for (let t = w.first; t <= w.last; t += step) points.push(t);
    }
    expect(points[0]).toBe(start - (start % step));
    expect(points.at(-1)).toBe(end + step - (end % step));
    for (let i = 1; i < points.length; i++) expect(points[i]! - points[i - 1]!).toBe(step);
  });

  it('holds at most 11,001 points per window, and refuses a step as long as the limit', () => {
    // 30,000 s from a time between two seconds: 30,002 points once rounded out to whole seconds.
    const windows = stepWindows(T0, T0 + 30_000n * S, S, 0n);
    expect(windows.map((w) => Number((w.last - w.first) / S) + 1)).toEqual([11_001, 11_001, 8_000]);
    expect(() => stepWindows(T0, T0 + H, 721n * H, DEFAULT_MAX_QUERY_LENGTH_NS)).toThrow(RangeError);
  });
});

describe('parseLokiDuration', () => {
  it("reads Loki's duration syntax in ns, 0 as no limit, and nothing else", () => {
    expect(parseLokiDuration('721h')).toBe(DEFAULT_MAX_QUERY_LENGTH_NS);
    expect(parseLokiDuration('30d1h')).toBe(DEFAULT_MAX_QUERY_LENGTH_NS);
    expect(parseLokiDuration('1w2d90m500ms')).toBe(9n * 24n * H + 90n * 60n * S + 500_000_000n);
    expect(parseLokiDuration('0')).toBe(0n);
    for (const bad of ['', '1', '1.5h', '-1h', 'h', '1 h']) expect(parseLokiDuration(bad)).toBeUndefined();
  });
});
