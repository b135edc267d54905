import { SeqSet } from './seq-set';

describe('SeqSet', () => {
  it('agrees with a plain Set on random insertions, holding runs as few intervals', () => {
    for (let round = 0; round < 20; round++) {
      const s = new SeqSet();
      const reference = new Set<number>();
      for (let i = 0; i < 400; i++) {
        const n = 1 + Math.floor(Math.random() * 300);
        expect(s.add(n)).toBe(!reference.has(n));
        reference.add(n);
      }
      expect(s.size).toBe(reference.size);
      for (let n = 0; n <= 301; n++) expect(s.has(n)).toBe(reference.has(n));
      expect(s.min).toBe(Math.min(...reference));
      expect(s.max).toBe(Math.max(...reference));
      expect(s.countIn(50, 150)).toBe([...reference].filter((n) => n >= 50 && n <= 150).length);
      const intervals = s.intervals();
      for (let i = 1; i < intervals.length; i++)
        expect(intervals[i]![0]).toBeGreaterThan(intervals[i - 1]![1] + 1);
    }
  });

  it('keeps a chain read in order as one interval', () => {
    const s = new SeqSet();
    for (let n = 1; n <= 100_000; n++) s.add(n);
    expect(s.intervals()).toEqual([[1, 100_000]]);
  });
});
