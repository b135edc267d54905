import type { IntegrityReport, LogType } from '@auditlens/contract';
import { readAllEntries, type RetryPolicy } from '@auditlens/loki';
import type { LokiClient } from '@auditlens/loki';
import { parseChainEntry, type ChainEntry } from '@auditlens/integrity';
import { ChainVerifier } from '@auditlens/integrity';
import { checkpointsQuery, ofChain, ofSeqs, recordsQuery } from './integrity-queries';
import type { KeyRing } from '@auditlens/integrity';

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
}

/** The defaults documented above. */
export const VERIFICATION_DEFAULTS = { lookbackMs: 86_400_000, lookaheadMs: 900_000 } as const;

const MS = 1_000_000n;
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

  // 1. Checkpoints first: the records they name are watched while the records are read.
  for await (const page of read(checkpointsQuery(logType, query), start, horizon))
    for (const e of page.entries) verifier.addCheckpointEntry(e);

  // 2. Every record of the range.
  let count = 0;
  for await (const page of read(recordsQuery(logType, query), start, end)) {
    for (const e of page.entries) verifier.addRecordEntry(e, true);
    count += page.entries.length;
    options.onProgress?.(count);
  }

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
    if (fromTs < start)
      for await (const page of read(ofChain(recordsQuery(logType, query), need.chainId), fromTs, start))
        for (const e of page.entries) verifier.addRecordEntry(e, false);
  }

  // 4. Chains whose last records a checkpoint after the range signs: up to its head.
  for (const need of verifier.tailNeeds()) {
    for await (const page of read(
      ofChain(recordsQuery(logType, query), need.chainId),
      end,
      need.untilTs + 1n
    ))
      for (const e of page.entries) verifier.addRecordEntry(e, false);
  }

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
