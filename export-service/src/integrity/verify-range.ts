import type { IntegrityReport, LogType } from '@auditlens/contract';
import { readAllEntries, type RetryPolicy } from '@auditlens/loki';
import type { LokiClient } from '@auditlens/loki';
import { parseChainEntry, type ChainEntry } from '@auditlens/integrity';
import { ChainVerifier } from '@auditlens/integrity';
import { checkpointsQuery, ofChain, ofSeqs, recordsQuery } from './integrity-queries';
import type { KeyRing } from '@auditlens/integrity';
import type { LokiEntry } from '@auditlens/loki';
import type { ProofStore } from './proof-store';

/** What the integrity consumer keeps for a log type: its proofs of the whole minutes of [fromMs, toMs). */
export interface KeptProofs {
  readonly store: ProofStore;
  readonly fromMs: number;
  readonly toMs: number;
}

/** How a range is verified. */
export interface RangeVerificationOptions {
  /** Restrict to one `service_name` (the service's `LOKI_SERVICE_NAME`). Default: every service. */
  readonly serviceName?: string;
  /** Entries per Loki request. The default value is 5000. */
  readonly pageSize?: number;
  readonly retry?: RetryPolicy;
  /** How far before a chain's first record to look for the checkpoint before it, in ms. The default value is 86400000 (24 h). */
  readonly lookbackMs?: number;
  /** How far past the range to look for the checkpoint after a chain's last record, in ms. The default value is 900000 (15 min). */
  readonly lookaheadMs?: number;
  /** Called with the number of records read so far, page by page. Default: none. */
  readonly onProgress?: (records: number) => void;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  /**
   * Proofs kept by the follower's integrity consumer: the minutes they cover are not read from Loki (unless a
   * minute's proof cannot stand for its records here), only the rest of the range (the unsettled edge). The
   * report is the same as without them. Default: none, every record is read.
   */
  readonly kept?: KeptProofs;
  /** Where the proofs of a log type are, when not given as `kept` (the follower's integrity consumer). */
  readonly keptFor?: (logType: LogType) => Promise<KeptProofs | undefined>;
}

/** The defaults documented above. */
export const VERIFICATION_DEFAULTS = { lookbackMs: 86_400_000, lookaheadMs: 900_000 } as const;

const MS = 1_000_000n;
const MINUTE = 60_000n * MS;
// A checkpoint naming the record before a chain's first one is written after that record was hashed, which
// can be after the first record's own timestamp (it waited in the batch queue): look this far past it too.
const CHECKPOINT_AFTER_HEAD_MS = 60_000n;

/**
 * Verifies every record of `logType` in [from, to): reads the checkpoints of its chains from `from` to the end of
 * the look-ahead, every record of the range (unfiltered), then per chain what ties the range to its
 * surroundings (the records since the last checkpoint before the range, and up to the first signed checkpoint
 * after it), and every version of a seq read twice. Reads Loki with the export's pager, so it runs at the speed
 * an export reads.
 */
export async function verifyRange(
  loki: LokiClient,
  keys: KeyRing,
  logType: LogType,
  range: { readonly from: Date; readonly to: Date },
  options: RangeVerificationOptions = {}
): Promise<IntegrityReport> {
  const now = (options.now ?? (() => new Date()))();
  const start = BigInt(range.from.getTime()) * MS;
  const end = BigInt(range.to.getTime()) * MS;
  const nowNs = BigInt(now.getTime() + 1) * MS;
  const lookahead = BigInt(options.lookaheadMs ?? VERIFICATION_DEFAULTS.lookaheadMs) * MS;
  const lookback = BigInt(options.lookbackMs ?? VERIFICATION_DEFAULTS.lookbackMs) * MS;
  const horizon = min(end + lookahead, nowNs > end ? nowNs : end);
  const query = { serviceName: options.serviceName };
  const read = (q: string, from: bigint, to: bigint) =>
    readAllEntries(loki, {
      query: q,
      start: from,
      end: to,
      pageSize: options.pageSize,
      retry: options.retry,
      signal: options.signal,
    });
  const verifier = new ChainVerifier(keys, start, end);

  const kept = options.kept ?? (await options.keptFor?.(logType));
  /** Pieces of [from, to) in time order: whole kept minutes, and the stretches around them to read from Loki. */
  const pieces = (from: bigint, to: bigint) => {
    if (!kept) return [{ from, to }];
    const a = max(from, BigInt(Math.ceil(kept.fromMs / 60_000) * 60_000) * MS);
    const b = min(to, BigInt(kept.toMs) * MS);
    const keptFrom = a + ((MINUTE - (a % MINUTE)) % MINUTE);
    const keptTo = b - (b % MINUTE);
    if (keptTo <= keptFrom) return [{ from, to }];
    return [
      { from, to: keptFrom },
      { kept: true as const, from: keptFrom, to: keptTo },
      { from: keptTo, to },
    ];
  };
  const entriesOf = async function* (q: string, from: bigint, to: bigint) {
    if (to > from) for await (const page of read(q, from, to)) yield page.entries;
  };
  /** Feeds the checkpoints written in [from, to), kept ones from the store. */
  const feedCheckpoints = async (from: bigint, to: bigint) => {
    for (const piece of pieces(from, to)) {
      const entries =
        'kept' in piece
          ? [await kept!.store.checkpoints(logType, Number(piece.from / MS), Number(piece.to / MS))]
          : entriesOf(checkpointsQuery(logType, query), piece.from, piece.to);
      for await (const list of entries) for (const e of list) verifier.addCheckpointEntry(e);
    }
  };
  /** Feeds the records of [from, to) (of one chain when `chainId` is given), kept minutes as their proofs. */
  const feedRecords = async (
    from: bigint,
    to: bigint,
    inRange: boolean,
    chainId?: string,
    onPage?: (entries: readonly LokiEntry[]) => void
  ) => {
    const q =
      chainId === undefined ? recordsQuery(logType, query) : ofChain(recordsQuery(logType, query), chainId);
    const readLive = async (a: bigint, b: bigint) => {
      for await (const list of entriesOf(q, a, b)) {
        for (const e of list) verifier.addRecordEntry(e, inRange);
        onPage?.(list);
      }
    };
    for (const piece of pieces(from, to)) {
      if (!('kept' in piece)) {
        await readLive(piece.from, piece.to);
        continue;
      }
      // Minutes whose proof cannot stand here are read, in time order with the others.
      let liveFrom: bigint | undefined;
      for (const m of await kept!.store.minutes(logType, Number(piece.from / MS), Number(piece.to / MS))) {
        const at = BigInt(m.minuteMs) * MS;
        if (liveFrom !== undefined) await readLive(liveFrom, at);
        liveFrom = undefined;
        if (m.proof && verifier.canAddProof(m.proof, inRange, chainId))
          verifier.addProof(m.proof, inRange, chainId);
        else liveFrom = at;
      }
      if (liveFrom !== undefined) await readLive(liveFrom, piece.to);
    }
  };

  // 1. Checkpoints first: the records they name are watched while the records are read.
  await feedCheckpoints(start, horizon);

  // 2. Every record of the range.
  let count = 0;
  await feedRecords(start, end, true, undefined, (entries) => {
    count += entries.length;
    options.onProgress?.(count);
  });

  // 3. Chains that began before the range: back to the last checkpoint before their first record.
  for (const need of verifier.headNeeds()) {
    let fromTs = need.fromTs;
    if (fromTs === undefined) {
      const checkpoints = await loki.queryLogs({
        query: ofChain(checkpointsQuery(logType, query), need.chainId),
        start: max(need.ts - lookback, 0n),
        end: min(need.ts + CHECKPOINT_AFTER_HEAD_MS * MS, horizon),
        limit: options.pageSize ?? 5000,
        direction: 'backward',
        signal: options.signal,
      });
      for (const e of checkpoints) {
        const checkpoint = verifier.addCheckpointEntry(e);
        if (checkpoint && checkpoint.statement.seq < need.seq) {
          const headTime = BigInt(checkpoint.statement.headTime);
          if (fromTs === undefined || headTime > fromTs) fromTs = headTime;
        }
      }
    }
    if (fromTs === undefined) {
      verifier.note(
        `chain ${need.chainId}: no checkpoint in the ${Number(lookback / MS / 3_600_000n)} h before its first record in the range; records before seq ${need.seq} were not read`
      );
      continue;
    }
    if (fromTs < start) await feedRecords(fromTs, start, false, need.chainId);
  }

  // 4. Chains whose last records a checkpoint after the range signs: up to its head.
  for (const need of verifier.tailNeeds()) await feedRecords(end, need.untilTs + 1n, false, need.chainId);

  // 5. Seqs read twice: every version of them and of their neighbours decides which is the chain's.
  await verifier.resolveDuplicates(async (chainId, seqs) => {
    const out: ChainEntry[] = [];
    const q = ofSeqs(ofChain(recordsQuery(logType, query), chainId), seqs);
    for await (const page of read(q, max(start - lookback, 0n), horizon)) {
      for (const e of page.entries) {
        const parsed = parseChainEntry(e);
        if (parsed.kind === 'chained') out.push(parsed.entry);
      }
    }
    return out;
  });

  return verifier.report(logType, range.from, range.to, now);
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
