import type { IntegrityProblem, IntegrityReport, LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';
import { parseChainEntry, type ChainEntry } from './chain-entry';
import { ChainState, type FoundProblem, type VersionsBySeq } from './chain-state';
import { parseCheckpoint, type Checkpoint } from './checkpoint-entry';
import type { KeyRing } from './key-ring';
import type { StretchProof } from './minute-proof';

/** At most this many problems and chains are listed in a report (all are counted). */
export const MAX_LISTED_PROBLEMS = 200;
export const MAX_LISTED_CHAINS = 100;

/** Reads the versions of some seqs of a chain again (for duplicates). */
export type VersionReader = (chainId: string, seqs: readonly number[]) => Promise<readonly ChainEntry[]>;

/**
 * Verifies the chains of one log type over [start, end) from entries fed in any order: records of the range,
 * records read around it as context, and checkpoints. Holds per chain a few numbers and the records whose
 * neighbour has not been read yet, never the records themselves.
 *
 * A chain is one producer's: records and checkpoints are grouped by `service_name` and chain id, so a checkpoint
 * vouches only for records of its own producer, and its key must be bound to that producer (`maySign`).
 */
export class ChainVerifier {
  private readonly chains = new Map<string, ChainState>();
  private readonly problems: FoundProblem[] = [];
  private readonly notes: string[] = [];
  private readonly seenCheckpoints = new Set<string>();
  private readonly checkpointCounts = { total: 0, valid: 0, invalid: 0, unknownKey: 0, unsigned: 0 };
  private total = 0;
  private withoutChain = 0;
  private malformed = 0;

  constructor(
    private readonly keys: KeyRing,
    private readonly start: bigint,
    private readonly end: bigint
  ) {}

  /** A checkpoint entry of this log type; returns it parsed (undefined when unreadable or already known). */
  addCheckpointEntry(e: LokiEntry): Checkpoint | undefined {
    const checkpoint = parseCheckpoint(e, this.keys);
    if (!checkpoint) return undefined;
    const { statement } = checkpoint;
    const key = `${checkpoint.service}\u0000${statement.chainId}\u0000${statement.seq}\u0000${checkpoint.ts}`;
    if (this.seenCheckpoints.has(key)) return undefined;
    this.seenCheckpoints.add(key);
    this.chain(checkpoint.service, statement.chainId).addCheckpoint(checkpoint);
    const inRange = checkpoint.ts >= this.start && checkpoint.ts < this.end;
    if (inRange) {
      this.checkpointCounts.total++;
      if (checkpoint.trust === 'valid') this.checkpointCounts.valid++;
      else if (checkpoint.trust === 'bad_signature') this.checkpointCounts.invalid++;
      else if (checkpoint.trust === 'unknown_key') this.checkpointCounts.unknownKey++;
      else this.checkpointCounts.unsigned++;
    }
    if (checkpoint.trust === 'bad_signature' || checkpoint.trust === 'unknown_key') {
      const headTime = BigInt(statement.headTime);
      if (inRange || (headTime >= this.start && headTime < this.end)) {
        const of = `a checkpoint of chain ${statement.chainId} at seq ${statement.seq}`;
        this.problems.push({
          kind: checkpoint.trust,
          chainId: statement.chainId,
          seq: statement.seq,
          ts: checkpoint.ts,
          message:
            checkpoint.trust === 'bad_signature'
              ? `${of} claims key ${statement.keyId}, but its signature does not verify: forged or altered`
              : checkpoint.boundTo !== undefined
                ? `${of} (service ${checkpoint.service || '(none)'}, log type ${statement.logType}) is signed by key ${statement.keyId}, which may sign only ${checkpoint.boundTo}: another producer's key`
                : `${of} is signed by key ${statement.keyId}, which is not among INTEGRITY_PUBLIC_KEYS`,
        });
      }
    }
    return checkpoint;
  }

  /** A record of the log type, in the range or read as context. */
  addRecordEntry(e: LokiEntry, inRange: boolean): void {
    const parsed = parseChainEntry(e);
    if (inRange) this.total++;
    if (parsed.kind === 'unchained') {
      if (inRange) this.withoutChain++;
      return;
    }
    if (parsed.kind === 'malformed') {
      if (!inRange) return;
      this.malformed++;
      this.chain(parsed.service, parsed.chainId).addUnreadable({
        kind: 'altered',
        chainId: parsed.chainId,
        ts: parsed.ts,
        eventId: parsed.eventId,
        message: `a record of chain ${parsed.chainId} was altered: ${parsed.reason}`,
      });
      return;
    }
    this.chain(parsed.entry.service, parsed.entry.chainId).add(parsed.entry, inRange);
  }

  /**
   * Whether a kept proof can stand for its records (of every chain, or of chain `chainId` alone when read as
   * context): see {@link ChainState.canAddRun}. When it cannot, read the records again.
   */
  canAddProof(proof: StretchProof, inRange: boolean, chainId?: string): boolean {
    for (const c of proof.chains) {
      if (chainId !== undefined && c.chainId !== chainId) continue;
      const chain = this.chains.get(chainKey(c.service, c.chainId));
      if (chain && !c.runs.every((run) => chain.canAddRun(run, inRange))) return false;
    }
    return true;
  }

  /** Adds the records a kept proof stands for, as {@link addRecordEntry} adds them one by one. */
  addProof(proof: StretchProof, inRange: boolean, chainId?: string): void {
    if (inRange) {
      this.total += proof.records;
      this.withoutChain += proof.withoutChain;
    }
    for (const c of proof.chains) {
      if (chainId !== undefined && c.chainId !== chainId) continue;
      const chain = this.chain(c.service, c.chainId);
      for (const run of c.runs) chain.addRun(run, inRange);
    }
  }

  /** Chains whose first record read follows records not read, with where to look for them. */
  headNeeds(): Array<{
    readonly chainId: string;
    readonly seq: number;
    readonly ts: bigint;
    readonly fromTs?: bigint;
  }> {
    const out = [];
    for (const chain of this.chains.values()) {
      if (!chain.hasRecordsInRange) continue;
      const need = chain.headNeed(this.start);
      if (need) out.push({ chainId: chain.id, ...need });
    }
    return out;
  }

  /** Chains whose last records are signed by a checkpoint after the range: read up to its head. */
  tailNeeds(): Array<{ readonly chainId: string; readonly untilTs: bigint }> {
    const out = [];
    for (const chain of this.chains.values()) {
      if (!chain.hasRecordsInRange) continue;
      const need = chain.tailNeed(this.end);
      if (need) out.push({ chainId: chain.id, ...need });
    }
    return out;
  }

  /** Reads every version of the duplicated seqs (and their neighbours) and decides them. */
  async resolveDuplicates(read: VersionReader): Promise<void> {
    for (const [key, chain] of this.chains) {
      const seqs = chain.duplicatedSeqs();
      if (seqs.length === 0) continue;
      const wanted = [...new Set(seqs.flatMap((s) => [s - 1, s, s + 1]).filter((s) => s >= 1))];
      const versions = new Map<number, ChainEntry[]>();
      for (const v of await read(chain.id, wanted))
        if (chainKey(v.service, v.chainId) === key) versions.set(v.seq, [...(versions.get(v.seq) ?? []), v]);
      chain.resolveDuplicates(versions as VersionsBySeq, this.problems);
    }
  }

  /** Adds a sentence to the report's notes. */
  note(text: string): void {
    this.notes.push(text);
  }

  /** The report of everything fed so far. */
  report(logType: LogType, from: Date, to: Date, verifiedAt: Date): IntegrityReport {
    const problems = [...this.problems];
    const notes = [...this.notes];
    const records = { verified: 0, unsigned: 0, altered: this.malformed, forged: 0, duplicates: 0 };
    const gaps = { count: 0, missingRecords: 0 };
    const chainList = [];
    let chains = 0;
    for (const chain of this.chains.values()) {
      const outcome = chain.evaluate(this.start, this.end);
      problems.push(...outcome.problems);
      if (!chain.hasRecordsInRange && outcome.problems.length === 0) continue;
      chains++;
      notes.push(...outcome.notes);
      records.verified += outcome.counts.verified;
      records.unsigned += outcome.counts.unsigned;
      records.altered += outcome.counts.altered;
      records.forged += outcome.counts.forged;
      records.duplicates += outcome.counts.duplicates;
      gaps.count += outcome.gaps;
      gaps.missingRecords += outcome.missingRecords;
      chainList.push(outcome.summary);
    }
    if (this.keys.size === 0 && this.total > 0)
      notes.push(
        'no checkpoint keys are configured (INTEGRITY_PUBLIC_KEYS): no record can be verified as signed'
      );
    problems.sort((a, b) => ((a.ts ?? 0n) < (b.ts ?? 0n) ? -1 : (a.ts ?? 0n) > (b.ts ?? 0n) ? 1 : 0));
    const status =
      problems.length > 0
        ? 'problems'
        : this.total === 0
          ? 'empty'
          : records.unsigned > 0 || this.withoutChain > 0
            ? 'unsigned'
            : 'intact';
    return {
      logType,
      from: from.toISOString(),
      to: to.toISOString(),
      verifiedAt: verifiedAt.toISOString(),
      status,
      records: { total: this.total, ...records, withoutChain: this.withoutChain },
      gaps,
      checkpoints: { ...this.checkpointCounts },
      chains,
      chainList: chainList.slice(0, MAX_LISTED_CHAINS),
      problems: problems.slice(0, MAX_LISTED_PROBLEMS).map(publicProblem),
      problemCount: problems.length,
      notes,
    };
  }

  private chain(service: string, id: string): ChainState {
    const key = chainKey(service, id);
    let chain = this.chains.get(key);
    if (!chain) {
      chain = new ChainState(id);
      this.chains.set(key, chain);
    }
    return chain;
  }
}

function chainKey(service: string, chainId: string): string {
  return `${service}\u0000${chainId}`;
}

function publicProblem(p: FoundProblem): IntegrityProblem {
  return {
    kind: p.kind,
    chainId: p.chainId,
    ...(p.seq !== undefined ? { seq: p.seq } : {}),
    ...(p.toSeq !== undefined ? { toSeq: p.toSeq } : {}),
    ...(p.ts !== undefined ? { timestamp: String(p.ts) } : {}),
    ...(p.until !== undefined ? { until: String(p.until) } : {}),
    ...(p.eventId !== undefined ? { eventId: p.eventId } : {}),
    message: p.message,
  };
}
