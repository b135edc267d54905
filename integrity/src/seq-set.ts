/**
 * A set of sequence numbers kept as sorted, disjoint, non-adjacent intervals: a chain read in order is one
 * interval whatever its length, so a million records cost a few numbers.
 */
export class SeqSet {
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];
  private total = 0;

  /** Adds `n`; false when it was already there. */
  add(n: number): boolean {
    const last = this.lo.length - 1;
    // The common case: the next number of a chain read in order.
    if (last >= 0 && n === this.hi[last]! + 1) {
      this.hi[last] = n;
      this.total++;
      return true;
    }
    if (last >= 0 && n > this.hi[last]! + 1) {
      this.lo.push(n);
      this.hi.push(n);
      this.total++;
      return true;
    }
    const i = this.indexAfter(n); // first interval with lo > n
    const before = i - 1;
    if (before >= 0 && n <= this.hi[before]!) return false;
    const joinsBefore = before >= 0 && this.hi[before]! + 1 === n;
    const joinsAfter = i < this.lo.length && this.lo[i]! - 1 === n;
    if (joinsBefore && joinsAfter) {
      this.hi[before] = this.hi[i]!;
      this.lo.splice(i, 1);
      this.hi.splice(i, 1);
    } else if (joinsBefore) this.hi[before] = n;
    else if (joinsAfter) this.lo[i] = n;
    else {
      this.lo.splice(i, 0, n);
      this.hi.splice(i, 0, n);
    }
    this.total++;
    return true;
  }

  /** Adds every number of [lo, hi]; false (and nothing added) when one of them was already there. */
  addRange(lo: number, hi: number): boolean {
    if (this.countIn(lo, hi) > 0) return false;
    const last = this.lo.length - 1;
    if (last < 0 || lo > this.hi[last]! + 1) {
      this.lo.push(lo);
      this.hi.push(hi);
      this.total += hi - lo + 1;
      return true;
    }
    for (let n = lo; n <= hi; n++) this.add(n);
    return true;
  }

  has(n: number): boolean {
    const i = this.indexAfter(n) - 1;
    return i >= 0 && n <= this.hi[i]!;
  }

  get size(): number {
    return this.total;
  }

  /** Smallest member, or undefined when empty. */
  get min(): number | undefined {
    return this.lo[0];
  }

  /** Largest member, or undefined when empty. */
  get max(): number | undefined {
    return this.hi.at(-1);
  }

  /** The intervals, [lo, hi] inclusive, in order. */
  intervals(): Array<readonly [number, number]> {
    return this.lo.map((lo, i) => [lo, this.hi[i]!] as const);
  }

  /** How many members fall in [from, to]. */
  countIn(from: number, to: number): number {
    let n = 0;
    for (let i = 0; i < this.lo.length; i++) {
      const lo = Math.max(from, this.lo[i]!);
      const hi = Math.min(to, this.hi[i]!);
      if (hi >= lo) n += hi - lo + 1;
    }
    return n;
  }

  private indexAfter(n: number): number {
    let a = 0;
    let b = this.lo.length;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (this.lo[m]! <= n) a = m + 1;
      else b = m;
    }
    return a;
  }
}
