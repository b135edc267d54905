// Chains of audit records and their checkpoints as Loki returns them (categorize-labels entries), built here
// from the contract's encodings alone, independently of the emitter: a second producer of the format.
import { hash, sign, type KeyObject } from 'node:crypto';
import {
  CHECKPOINT_LOG_TYPE,
  GENESIS_HASH,
  INTEGRITY_FIELDS,
  canonicalCheckpoint,
  canonicalRecord,
  type LogType,
} from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';

/** A signing key with its id. */
export interface FixtureKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

/** What {@link buildChain} makes. */
export interface FixtureChain {
  readonly chainId: string;
  readonly records: LokiEntry[];
  readonly checkpoints: LokiEntry[];
}

/** Options of {@link buildChain}. */
export interface ChainOptions {
  readonly chainId: string;
  readonly count: number;
  readonly logType?: LogType;
  readonly serviceName?: string;
  /** Timestamp of seq 1, ns. */
  readonly startTs: bigint;
  /** Between two records, ns. The default value is 1000000 (1 ms). */
  readonly stepNs?: bigint;
  /** First seq (a chain begun before). The default value is 1. */
  readonly firstSeq?: number;
  /** prev of the first record. Default: the genesis hash. */
  readonly firstPrev?: string;
  /** A checkpoint after every this many records. Default: none but the last. */
  readonly checkpointEvery?: number;
  /** The last checkpoint is final. The default value is true. */
  readonly final?: boolean;
  /** Write checkpoints at all. The default value is true. */
  readonly checkpoints?: boolean;
  readonly key?: FixtureKey;
}

/** The chain hash of a record entry, as the verifier recomputes it. */
export function entryHash(e: LokiEntry, prev: string): string {
  return hash(
    'sha256',
    canonicalRecord({
      prev,
      timestamp: String(e.ts),
      logType: e.labels['audit_log_type'] ?? '',
      severityNumber: e.metadata['severity_number'] ?? '',
      body: e.line,
      field: (lokiName) => e.metadata[lokiName],
    }),
    'hex'
  );
}

/** `e` with new metadata and its hash recomputed over `prev` (as a forger who knows the format would). */
export function rehash(
  e: LokiEntry,
  changes: Partial<LokiEntry> & { metadata?: Record<string, string> }
): LokiEntry {
  const next: LokiEntry = { ...e, ...changes, metadata: { ...e.metadata, ...changes.metadata } };
  const prev = next.metadata[INTEGRITY_FIELDS.prev]!;
  return { ...next, metadata: { ...next.metadata, [INTEGRITY_FIELDS.hash]: entryHash(next, prev) } };
}

/** A checkpoint entry of `head` (a record entry), signed with `key` when given. */
export function checkpointEntry(
  head: LokiEntry,
  logType: LogType,
  ts: bigint,
  options: { final?: boolean; key?: FixtureKey; serviceName?: string } = {}
): LokiEntry {
  const statement = {
    logType,
    chainId: head.metadata[INTEGRITY_FIELDS.chainId]!,
    seq: Number(head.metadata[INTEGRITY_FIELDS.seq]),
    hash: head.metadata[INTEGRITY_FIELDS.hash]!,
    headTime: String(head.ts),
    time: String(ts),
    final: options.final ?? false,
    keyId: options.key?.keyId ?? '',
  };
  const metadata: Record<string, string> = {
    audit_event_id: `cp-${statement.chainId}-${statement.seq}-${ts}`,
    [INTEGRITY_FIELDS.checkpointLogType]: logType,
    [INTEGRITY_FIELDS.chainId]: statement.chainId,
    [INTEGRITY_FIELDS.seq]: String(statement.seq),
    [INTEGRITY_FIELDS.hash]: statement.hash,
    [INTEGRITY_FIELDS.checkpointHeadTime]: statement.headTime,
  };
  if (statement.final) metadata[INTEGRITY_FIELDS.checkpointFinal] = 'true';
  if (options.key) {
    metadata[INTEGRITY_FIELDS.checkpointKeyId] = options.key.keyId;
    metadata[INTEGRITY_FIELDS.checkpointSignature] = sign(
      null,
      Buffer.from(canonicalCheckpoint(statement)),
      options.key.privateKey
    ).toString('base64');
  }
  return {
    ts,
    line: `checkpoint ${statement.seq}`,
    labels: { service_name: options.serviceName ?? 'helpdesk', audit_log_type: CHECKPOINT_LOG_TYPE },
    metadata,
  };
}

/** A chain of access-like records with checkpoints, as Loki would return them. */
export function buildChain(options: ChainOptions): FixtureChain {
  const logType = options.logType ?? 'access';
  const step = options.stepNs ?? 1_000_000n;
  const firstSeq = options.firstSeq ?? 1;
  const labels = { service_name: options.serviceName ?? 'helpdesk', audit_log_type: logType };
  const records: LokiEntry[] = [];
  const checkpoints: LokiEntry[] = [];
  let prev = options.firstPrev ?? GENESIS_HASH;
  for (let i = 0; i < options.count; i++) {
    const seq = firstSeq + i;
    const ts = options.startTs + BigInt(i) * step;
    const base: LokiEntry = {
      ts,
      line: `user ${seq % 7} logged in to the agent portal (form)`,
      labels,
      metadata: {
        audit_event_id: `${options.chainId}-e${seq}`,
        audit_action: 'login',
        audit_outcome: 'success',
        user_name: `user ${seq % 7}`,
        client_address: `203.0.113.${seq % 250}`,
        severity_number: '9',
        severity_text: 'INFO',
        detected_level: 'info',
        [INTEGRITY_FIELDS.chainId]: options.chainId,
        [INTEGRITY_FIELDS.seq]: String(seq),
        [INTEGRITY_FIELDS.prev]: prev,
      },
    };
    const h = entryHash(base, prev);
    const entry = { ...base, metadata: { ...base.metadata, [INTEGRITY_FIELDS.hash]: h } };
    records.push(entry);
    prev = h;
    const last = i === options.count - 1;
    if (
      options.checkpoints !== false &&
      ((options.checkpointEvery && (i + 1) % options.checkpointEvery === 0) || last)
    ) {
      checkpoints.push(
        checkpointEntry(entry, logType, ts + step / 2n, {
          final: last && options.final !== false,
          key: options.key,
          serviceName: options.serviceName,
        })
      );
    }
  }
  return { chainId: options.chainId, records, checkpoints };
}
