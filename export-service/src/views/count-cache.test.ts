import { CountCache } from './count-cache';

const cell = (n: number) => ({
  complete: true,
  counts: new Map(Array.from({ length: n }, (_, i) => [`v${i}`, i])),
});

describe('CountCache', () => {
  it('drops the least recently used cells past its bound of values', () => {
    const cache = new CountCache(10);
    cache.set('a', cell(3));
    cache.set('b', cell(3));
    expect(cache.get('a')).toBeDefined(); // now b is the least recently used
    cache.set('c', cell(3));
    expect(cache.size).toEqual({ cells: 2, values: 8 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')!.counts.get('v2')).toBe(2);
    expect(cache.get('c')).toBeDefined();
  });

  it('replaces a cell under the same key, and holds nothing larger than the bound or with a bound of 0', () => {
    const cache = new CountCache(10);
    cache.set('a', cell(3));
    cache.set('a', cell(5));
    expect(cache.size).toEqual({ cells: 1, values: 6 });
    cache.set('big', cell(10));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.get('a')!.counts.size).toBe(5);
    const none = new CountCache(0);
    none.set('a', cell(0));
    expect(none.size).toEqual({ cells: 0, values: 0 });
  });
});
