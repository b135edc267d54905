import { GENESIS_HASH, type IntegrityChainSummary, type IntegrityProblemKind } from '@auditlens/contract';
import type { ChainEntry } from './chain-entry';
import type { Checkpoint } from './checkpoint-entry';
import { SeqSet } from './seq-set';

/** A problem found, with its timestamp as a number for ordering. */
export interface FoundProblem {
  readonly kind: IntegrityProblemKind;
  readonly chainId: string;
  readonly seq?: number;
  readonly toSeq?: number;
  readonly ts?: bigint;
  readonly until?: bigint;
  readonly eventId?: string;
  readonly message: string;
}

/** Where a record is: its time, its event id, and whether it lies in the verified range. */
interface RecordRef {
  readonly ts: bigint;
  readonly eventId: string | undefined;
  readonly inRange: boolean;
}

/** A record whose successor has not been seen yet. */
interface OpenEnd extends RecordRef {
  readonly hash: string;
}

/** A record whose predecessor has not been seen yet. */
interface OpenStart extends RecordRef {
  readonly prev: string;
}

/** What a chain contributes to the report. */
export interface ChainOutcome {
  readonly problems: FoundProblem[];
  readonly notes: string[];
  readonly counts: {
    readonly records: number;
    readonly verified: number;
    readonly unsigned: number;
    readonly altered: number;
    readonly forged: number;
    readonly duplicates: number;
  };
  readonly gaps: number;
  readonly missingRecords: number;
  readonly summary: IntegrityChainSummary;
}

/**
 * A run of consecutive seqs of one chain, read in one minute, whose inner links and hashes were verified as they
 * were read: all a later report needs of them is their edges, their count and the hashes checkpoints name.
 */
export interface ChainRun {
  readonly lo: number;
  readonly hi: number;
  /** The prev of seq `lo`, and that record's time and event id. */
  readonly prev: string;
  readonly firstTs: bigint;
  readonly firstEventId?: string;
  /** The hash of seq `hi`, and that record's time and event id. */
  readonly hash: string;
  readonly lastTs: bigint;
  readonly lastEventId?: string;
  /** The earliest and latest time of a record of the run. */
  readonly minTs: bigint;
  readonly maxTs: bigint;
  /** Hashes of seqs inside the run (below `hi`) that checkpoints known when it was read name. */
  readonly hashes: Readonly<Record<string, string>>;
}

/** Versions of the records around a duplicated seq, as read again from Loki. */
export type VersionsBySeq = ReadonlyMap<number, readonly ChainEntry[]>;

const same = (a: ChainEntry, b: ChainEntry): boolean =>
  a.hash === b.hash &&
  a.computed === b.computed &&
  a.ts === b.ts &&
  a.eventId === b.eventId &&
  a.prev === b.prev;

/**
 * Everything the verifier knows about one chain, built record by record in any order without keeping the
 * records: which seqs were seen (as intervals), the records whose neighbour has not come yet, the links found
 * broken, and the checkpoints naming it. Links are checked as soon as both ends are known, so a chain read in
 * order keeps two map entries whatever its length.
 */
export class ChainState {
  private readonly seen = new SeqSet();
  private readonly inRange = new SeqSet();
  private readonly openEnds = new Map<number, OpenEnd>();
  private readonly openStarts = new Map<number, OpenStart>();
  /** Links into a seq found broken (the record before it has another hash than its prev). */
  private readonly breaks = new Map<number, RecordRef>();
  private readonly altered = new Map<number, RecordRef>();
  private readonly duplicates: ChainEntry[] = [];
  private readonly checkpoints: Checkpoint[] = [];
  /** Seqs named by checkpoints: their hashes (and the prev of the record after them) are kept. */
  private readonly watched = new Set<number>();
  private readonly hashAt = new Map<number, string>();
  private readonly prevAfter = new Map<number, string>();
  private readonly afterFinal = new Map<number, RecordRef>();
  private readonly conflicts = new Set<number>();
  private forgedDuplicates = 0;
  private identicalDuplicates = 0;
  private finalSeq: number | undefined;
  private inRangeFirstTs: bigint | undefined;
  private inRangeLastTs: bigint | undefined;
  private earliestTs: bigint | undefined;
  private latestTs: bigint | undefined;
  /** A seq that stands for records not read, with a reason: the malformed ones. */
  private readonly unreadable: FoundProblem[] = [];

  constructor(readonly id: string) {}

  /** Notes a checkpoint of this chain (any trust: untrusted ones only help to find records). */
  addCheckpoint(checkpoint: Checkpoint): void {
    if (this.checkpoints.some((c) => c.ts === checkpoint.ts && c.statement.seq === checkpoint.statement.seq))
      return;
    this.checkpoints.push(checkpoint);
    this.watched.add(checkpoint.statement.seq);
    if (checkpoint.trust === 'valid' && checkpoint.statement.final)
      this.finalSeq = Math.min(this.finalSeq ?? Infinity, checkpoint.statement.seq);
  }

  /** Adds a record read from Loki; in range or read as context around it. */
  add(e: ChainEntry, inRange: boolean): void {
    if (this.earliestTs === undefined || e.ts < this.earliestTs) this.earliestTs = e.ts;
    if (this.latestTs === undefined || e.ts > this.latestTs) this.latestTs = e.ts;
    if (!this.seen.add(e.seq)) {
      if (inRange) this.duplicates.push(e);
      return;
    }
    const ref: RecordRef = { ts: e.ts, eventId: e.eventId, inRange };
    if (inRange) {
      this.inRange.add(e.seq);
      if (this.inRangeFirstTs === undefined || e.ts < this.inRangeFirstTs) this.inRangeFirstTs = e.ts;
      if (this.inRangeLastTs === undefined || e.ts > this.inRangeLastTs) this.inRangeLastTs = e.ts;
      if (this.finalSeq !== undefined && e.seq > this.finalSeq) this.afterFinal.set(e.seq, ref);
    }
    if (e.computed !== e.hash) this.altered.set(e.seq, ref);
    if (this.watched.has(e.seq)) this.hashAt.set(e.seq, e.hash);
    if (this.watched.has(e.seq - 1)) this.prevAfter.set(e.seq - 1, e.prev);
    this.linkIn(e.seq, e.prev, ref);
    this.linkOut(e.seq, e.hash, ref);
  }

  /**
   * The chain's records as runs (see {@link ChainRun}), or undefined when anything but runs was found (a broken
   * link, an altered or unreadable record, a seq read twice): such a minute is read again when reported.
   */
  runs(): ChainRun[] | undefined {
    if (this.breaks.size > 0 || this.altered.size > 0 || this.duplicates.length > 0) return undefined;
    if (this.unreadable.length > 0 || this.conflicts.size > 0) return undefined;
    const out: ChainRun[] = [];
    for (const [lo, hi] of this.seen.intervals()) {
      const start = this.openStarts.get(lo);
      const end = this.openEnds.get(hi);
      if ((lo !== 1 && !start) || !end) return undefined;
      const hashes: Record<string, string> = {};
      for (const seq of this.watched) {
        const h = this.hashAt.get(seq);
        if (seq >= lo && seq < hi && h !== undefined) hashes[String(seq)] = h;
      }
      out.push({
        lo,
        hi,
        prev: start?.prev ?? GENESIS_HASH,
        firstTs: start?.ts ?? this.earliestTs!,
        ...(start?.eventId !== undefined ? { firstEventId: start.eventId } : {}),
        hash: end.hash,
        lastTs: end.ts,
        ...(end.eventId !== undefined ? { lastEventId: end.eventId } : {}),
        minTs: this.earliestTs!,
        maxTs: this.latestTs!,
        hashes,
      });
    }
    return out;
  }

  /**
   * Whether `run` can stand for its records here: none of its seqs read already, no seq after a final
   * checkpoint among them, and the hash of every seq inside it that a checkpoint names kept.
   */
  canAddRun(run: ChainRun, inRange: boolean): boolean {
    if (this.seen.countIn(run.lo, run.hi) > 0) return false;
    if (inRange && this.finalSeq !== undefined && run.hi > this.finalSeq) return false;
    for (const seq of this.watched)
      if (seq >= run.lo && seq < run.hi && !(String(seq) in run.hashes)) return false;
    return true;
  }

  /** Adds the records of a run (checked with {@link canAddRun}) as {@link add} adds them one by one. */
  addRun(run: ChainRun, inRange: boolean): void {
    if (this.earliestTs === undefined || run.minTs < this.earliestTs) this.earliestTs = run.minTs;
    if (this.latestTs === undefined || run.maxTs > this.latestTs) this.latestTs = run.maxTs;
    this.seen.addRange(run.lo, run.hi);
    if (inRange) {
      this.inRange.addRange(run.lo, run.hi);
      if (this.inRangeFirstTs === undefined || run.minTs < this.inRangeFirstTs)
        this.inRangeFirstTs = run.minTs;
      if (this.inRangeLastTs === undefined || run.maxTs > this.inRangeLastTs) this.inRangeLastTs = run.maxTs;
    }
    for (const seq of this.watched) {
      if (seq < run.lo || seq >= run.hi) continue;
      // Inside a verified run, a record's hash is the prev of the record after it.
      const h = run.hashes[String(seq)]!;
      this.hashAt.set(seq, h);
      this.prevAfter.set(seq, h);
    }
    if (this.watched.has(run.hi)) this.hashAt.set(run.hi, run.hash);
    if (this.watched.has(run.lo - 1)) this.prevAfter.set(run.lo - 1, run.prev);
    const first: RecordRef = { ts: run.firstTs, eventId: run.firstEventId, inRange };
    const last: RecordRef = { ts: run.lastTs, eventId: run.lastEventId, inRange };
    this.linkIn(run.lo, run.prev, first);
    this.linkOut(run.hi, run.hash, last);
  }

  /** A record of this chain whose chain fields could not be read. */
  addUnreadable(problem: FoundProblem): void {
    this.unreadable.push(problem);
  }

  /** True when records of this chain were read in the range. */
  get hasRecordsInRange(): boolean {
    return this.inRange.size > 0;
  }

  /**
   * When the first record read follows records not read: its seq and time, and, when a known checkpoint names
   * an earlier head before `start`, that head's time (read the chain from there); undefined when nothing is
   * needed (seq 1, or a checkpoint names the record right before it).
   */
  headNeed(
    start: bigint
  ): { readonly seq: number; readonly ts: bigint; readonly fromTs?: bigint } | undefined {
    const first = this.seen.min;
    if (first === undefined || first === 1 || !this.openStarts.has(first)) return undefined;
    const before = this.checkpoints
      .filter((c) => c.statement.seq < first)
      .sort((a, b) => b.statement.seq - a.statement.seq)[0];
    if (before?.statement.seq === first - 1) return undefined;
    const headTime = before ? BigInt(before.statement.headTime) : undefined;
    if (headTime !== undefined && headTime >= start) return undefined;
    return { seq: first, ts: this.earliestTs!, fromTs: headTime };
  }

  /**
   * When the last record read is followed by a validly signed checkpoint whose head lies after the range, the
   * records up to that head: read them to link the range's last records to it.
   */
  tailNeed(end: bigint): { readonly untilTs: bigint } | undefined {
    const last = this.seen.max;
    if (last === undefined) return undefined;
    const next = this.checkpoints
      .filter((c) => c.trust === 'valid' && c.statement.seq > last && BigInt(c.statement.headTime) >= end)
      .sort((a, b) => a.statement.seq - b.statement.seq)[0];
    return next ? { untilTs: BigInt(next.statement.headTime) } : undefined;
  }

  /** Seqs read more than once in the range, to be read again in full and decided. */
  duplicatedSeqs(): number[] {
    return [...new Set(this.duplicates.map((d) => d.seq))].sort((a, b) => a - b);
  }

  /**
   * Decides each duplicated seq from all versions of it and of its neighbours: identical copies are harmless;
   * otherwise the version that continues the chain (its prev is the hash before it, its hash the prev after it
   * or a valid checkpoint's) is the chain's and the others are forged; when none or several fit, a conflict.
   */
  resolveDuplicates(versions: VersionsBySeq, problems: FoundProblem[]): void {
    for (const seq of this.duplicatedSeqs()) {
      const all = versions.get(seq) ?? [];
      const distinct = all.filter((v, i) => all.findIndex((w) => same(v, w)) === i);
      const copies = this.duplicates.filter((d) => d.seq === seq).length;
      if (distinct.length <= 1) {
        this.identicalDuplicates += copies;
        continue;
      }
      const single = (s: number) => {
        const vs = (versions.get(s) ?? []).filter((v, i, arr) => arr.findIndex((w) => same(v, w)) === i);
        return vs.length === 1 ? vs[0] : undefined;
      };
      const checkpointHash = (s: number) =>
        this.checkpoints.find((c) => c.trust === 'valid' && c.statement.seq === s)?.statement.hash;
      const before = seq === 1 ? GENESIS_HASH : (single(seq - 1)?.hash ?? checkpointHash(seq - 1));
      const after = single(seq + 1)?.prev ?? checkpointHash(seq);
      const fits = distinct.filter(
        (v) =>
          v.computed === v.hash &&
          (before === undefined || v.prev === before) &&
          (after === undefined || v.hash === after)
      );
      if (fits.length === 1 && (before !== undefined || after !== undefined)) {
        const genuine = fits[0]!;
        for (const v of distinct.filter((d) => d !== genuine)) {
          this.forgedDuplicates++;
          problems.push({
            kind: 'forged',
            chainId: this.id,
            seq,
            ts: v.ts,
            eventId: v.eventId,
            message: `a second record claims seq ${seq} of chain ${this.id}; the chain continues from another one`,
          });
        }
        this.settleLinks(seq, genuine, before, after);
      } else {
        this.conflicts.add(seq);
        for (const v of distinct) {
          problems.push({
            kind: 'conflict',
            chainId: this.id,
            seq,
            ts: v.ts,
            eventId: v.eventId,
            message: `${distinct.length} different records claim seq ${seq} of chain ${this.id}, and neither the records around it nor a signed checkpoint tell which is the chain's`,
          });
        }
        this.forgedDuplicates += distinct.length - 1;
      }
    }
  }

  /** After a duplicate was decided, the links at `seq` are those of the genuine version. */
  private settleLinks(
    seq: number,
    genuine: ChainEntry,
    before: string | undefined,
    after: string | undefined
  ): void {
    const ref: RecordRef = { ts: genuine.ts, eventId: genuine.eventId, inRange: this.inRange.has(seq) };
    this.breaks.delete(seq);
    this.breaks.delete(seq + 1);
    this.altered.delete(seq);
    if (before !== undefined && genuine.prev !== before) this.breaks.set(seq, ref);
    if (after !== undefined && genuine.hash !== after) this.breaks.set(seq + 1, ref);
    if (this.openEnds.has(seq)) this.openEnds.set(seq, { ...ref, hash: genuine.hash });
    if (this.openStarts.has(seq)) this.openStarts.set(seq, { ...ref, prev: genuine.prev });
    if (this.watched.has(seq)) this.hashAt.set(seq, genuine.hash);
    if (this.watched.has(seq - 1)) this.prevAfter.set(seq - 1, genuine.prev);
  }

  /** Gaps, broken links, checkpoint coverage and counts, for the records in [start, end). */
  evaluate(start: bigint, end: bigint): ChainOutcome {
    const problems: FoundProblem[] = [...this.unreadable];
    const notes: string[] = [];
    const inSpan = (from: bigint | undefined, to: bigint | undefined) =>
      (to === undefined || to >= start) && (from === undefined || from < end);
    const valid = this.checkpoints.filter((c) => c.trust === 'valid');
    const validBySeq = new Map(valid.map((c) => [c.statement.seq, c]));

    // Open ends of runs, plus validly signed checkpoints whose head was not read: they anchor what follows.
    const ends = new Map<number, { hash: string; ts: bigint; virtual: boolean }>();
    for (const [seq, end] of this.openEnds) ends.set(seq, { hash: end.hash, ts: end.ts, virtual: false });
    for (const c of valid) {
      if (!this.seen.has(c.statement.seq))
        ends.set(c.statement.seq, {
          hash: c.statement.hash,
          ts: BigInt(c.statement.headTime),
          virtual: true,
        });
    }
    const endSeqs = [...ends.keys()].sort((a, b) => a - b);
    const breaks = new Map(this.breaks);
    const cuts = new Set<number>(breaks.keys());
    let gaps = 0;
    let missingRecords = 0;
    const firstInRange = this.inRange.min;
    const anchor: IntegrityChainSummary['anchor'] =
      firstInRange === 1
        ? 'genesis'
        : firstInRange !== undefined && (this.seen.has(firstInRange - 1) || validBySeq.has(firstInRange - 1))
          ? 'context'
          : 'none';

    for (const [seq, start_] of [...this.openStarts].sort((a, b) => a[0] - b[0])) {
      cuts.add(seq);
      const a = largestBelow(endSeqs, seq);
      if (a === undefined) {
        if (start_.inRange || seq === this.inRange.min) {
          notes.push(
            `chain ${this.id}: its first record read (seq ${seq}) follows records that are neither in the range ` +
              'nor in the look-back before it, and no checkpoint names them: its link to them is not verified'
          );
        }
        continue;
      }
      const end_ = ends.get(a)!;
      if (a === seq - 1) {
        // Only a checkpoint's head can end right before an open start.
        if (start_.prev !== end_.hash) breaks.set(seq, start_);
        else cuts.delete(seq);
        continue;
      }
      const missing = seq - a - 1;
      // The producer numbered records it then dropped; the chain links over them, so nothing was cut there.
      const droppedByProducer = start_.prev === end_.hash;
      if (droppedByProducer) cuts.delete(seq);
      if (!inSpan(end_.ts, start_.ts)) continue;
      gaps++;
      missingRecords += missing;
      problems.push({
        kind: droppedByProducer ? 'dropped' : 'gap',
        chainId: this.id,
        seq: a + 1,
        toSeq: seq - 1,
        ts: end_.ts,
        until: start_.ts,
        eventId: start_.eventId,
        message: droppedByProducer
          ? `${missing} record${missing > 1 ? 's' : ''} (seq ${a + 1}${missing > 1 ? `–${seq - 1}` : ''}) of chain ${this.id} never left the producer (its queue was full): the chain links over them`
          : `${missing} record${missing > 1 ? 's' : ''} (seq ${a + 1}${missing > 1 ? `–${seq - 1}` : ''}) of chain ${this.id} ${missing > 1 ? 'are' : 'is'} missing`,
      });
    }

    // Records a validly signed checkpoint names beyond the last one read: the chain's end was cut off.
    const lastSeen = this.seen.max ?? 0;
    const lastCheckpoint = valid.reduce<Checkpoint | undefined>(
      (m, c) => (m === undefined || c.statement.seq > m.statement.seq ? c : m),
      undefined
    );
    if (lastCheckpoint && lastCheckpoint.statement.seq > lastSeen) {
      const headTime = BigInt(lastCheckpoint.statement.headTime);
      const lastEnd = this.openEnds.get(lastSeen);
      // Without any record read, only a head inside the range says records of the range are missing.
      const concerned = lastEnd ? inSpan(lastEnd.ts, headTime) : headTime >= start && headTime < end;
      if (concerned) {
        const from = lastSeen + 1;
        const to = lastCheckpoint.statement.seq;
        gaps++;
        missingRecords += to - from + 1;
        problems.push({
          kind: lastSeen === 0 ? 'missing_records' : 'gap',
          chainId: this.id,
          seq: from,
          toSeq: to,
          ts: lastEnd?.ts ?? headTime,
          until: headTime,
          message:
            lastSeen === 0
              ? `a signed checkpoint names records up to seq ${to} of chain ${this.id}, and none of them is in Loki`
              : `${to - from + 1} record${to > from ? 's' : ''} (seq ${from}${to > from ? `–${to}` : ''}) at the end of chain ${this.id} ${to > from ? 'are' : 'is'} missing: a signed checkpoint names ${to > from ? 'them' : 'it'}`,
        });
      }
    }

    for (const [seq, ref] of breaks) {
      if (!inSpan(ref.ts, ref.ts) && !ref.inRange) continue;
      problems.push({
        kind: 'broken_link',
        chainId: this.id,
        seq,
        ts: ref.ts,
        eventId: ref.eventId,
        message: `seq ${seq} of chain ${this.id} does not follow the record before it: one of the two was changed`,
      });
    }

    // Checkpoints: a valid one covers the records linked up to its head; a mismatching one means a rewrite.
    const covered: Array<[number, number]> = [];
    const sortedCuts = [...cuts].sort((a, b) => a - b);
    let signedThrough: number | null = null;
    for (const c of valid) {
      const seq = c.statement.seq;
      const hashHere = this.hashAt.get(seq) ?? this.openEnds.get(seq)?.hash;
      const prevNext = this.prevAfter.get(seq) ?? this.openStarts.get(seq + 1)?.prev;
      if (hashHere === undefined && prevNext === undefined) continue;
      if (hashHere === c.statement.hash || (hashHere === undefined && prevNext === c.statement.hash)) {
        const from = largestAtMost(sortedCuts, seq) ?? this.seen.min ?? seq;
        covered.push([from, seq]);
        signedThrough = Math.max(signedThrough ?? 0, seq);
      } else if (inSpan(BigInt(c.statement.headTime), BigInt(c.statement.headTime))) {
        problems.push({
          kind: 'checkpoint_mismatch',
          chainId: this.id,
          seq,
          ts: BigInt(c.statement.headTime),
          message: `the checkpoint signed by ${c.statement.keyId} names another hash for seq ${seq} of chain ${this.id}: the records up to it were rewritten`,
        });
      }
    }

    for (const [seq, ref] of this.afterFinal) {
      problems.push({
        kind: 'forged',
        chainId: this.id,
        seq,
        ts: ref.ts,
        eventId: ref.eventId,
        message: `seq ${seq} comes after the final checkpoint of chain ${this.id} (seq ${this.finalSeq}): the producer had shut down`,
      });
    }
    for (const [seq, ref] of this.altered) {
      if (!ref.inRange || this.afterFinal.has(seq) || this.conflicts.has(seq)) continue;
      problems.push({
        kind: 'altered',
        chainId: this.id,
        seq,
        ts: ref.ts,
        eventId: ref.eventId,
        message: `seq ${seq} of chain ${this.id} was altered: its content does not hash to its audit_chain_hash`,
      });
    }

    // Counts of the records in range; a seq is counted once, its extra copies as duplicates or forged.
    const excluded = new Set<number>([...this.afterFinal.keys(), ...this.conflicts]);
    for (const [seq, ref] of this.altered) if (ref.inRange) excluded.add(seq);
    const isCovered = (seq: number) => covered.some(([lo, hi]) => seq >= lo && seq <= hi);
    let verified = 0;
    for (const [lo, hi] of mergeIntervals(covered)) verified += this.inRange.countIn(lo, hi);
    for (const seq of excluded) if (this.inRange.has(seq) && isCovered(seq)) verified--;
    const unsigned = this.inRange.size - [...excluded].filter((s) => this.inRange.has(s)).length - verified;
    const altered = [...this.altered].filter(
      ([seq, ref]) => ref.inRange && !this.afterFinal.has(seq) && !this.conflicts.has(seq)
    ).length;
    const forged = this.afterFinal.size + this.conflicts.size + this.forgedDuplicates;
    const closed = this.finalSeq !== undefined;
    const lastInRange = this.inRange.max;
    if (unsigned > 0 && lastInRange !== undefined) {
      notes.push(
        closed
          ? `chain ${this.id}: ${unsigned} record${unsigned > 1 ? 's are' : ' is'} not covered by a signed checkpoint`
          : `chain ${this.id}: ${unsigned} record${unsigned > 1 ? 's' : ''} up to seq ${lastInRange} ${unsigned > 1 ? 'are' : 'is'} not covered by a signed checkpoint yet (${signedThrough === null ? 'no signed checkpoint names this chain' : `signed through seq ${signedThrough}`}); the producer writes one within its checkpoint interval, or stopped without one`
      );
    }
    return {
      problems,
      notes,
      counts: {
        records: this.inRange.size + this.duplicates.length,
        verified,
        unsigned,
        altered,
        forged,
        duplicates: this.identicalDuplicates,
      },
      gaps,
      missingRecords,
      summary: {
        id: this.id,
        firstSeq: this.inRange.min ?? 0,
        lastSeq: this.inRange.max ?? 0,
        records: this.inRange.size,
        signedThrough,
        closed,
        anchor,
        keyIds: [...new Set(valid.map((c) => c.statement.keyId))],
      },
    };
  }

  private linkIn(seq: number, prev: string, ref: RecordRef): void {
    if (seq === 1) {
      if (prev !== GENESIS_HASH) this.breaks.set(1, ref);
      return;
    }
    const before = this.openEnds.get(seq - 1);
    if (before) {
      this.openEnds.delete(seq - 1);
      if (before.hash !== prev) this.breaks.set(seq, ref);
    } else this.openStarts.set(seq, { ...ref, prev });
  }

  private linkOut(seq: number, hash: string, ref: RecordRef): void {
    const after = this.openStarts.get(seq + 1);
    if (after) {
      this.openStarts.delete(seq + 1);
      if (after.prev !== hash) this.breaks.set(seq + 1, after);
    } else this.openEnds.set(seq, { ...ref, hash });
  }
}

function largestBelow(sorted: readonly number[], n: number): number | undefined {
  let found: number | undefined;
  for (const v of sorted) {
    if (v >= n) break;
    found = v;
  }
  return found;
}

function largestAtMost(sorted: readonly number[], n: number): number | undefined {
  let found: number | undefined;
  for (const v of sorted) {
    if (v > n) break;
    found = v;
  }
  return found;
}

function mergeIntervals(intervals: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}
