import { hash } from 'node:crypto';
import {
  ATTR,
  CanonicalRecordEncoder,
  INTEGRITY_FIELDS,
  LOG_TYPE_LABEL,
  lokiFieldName,
} from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';

/** Loki's label of the resource attribute `service.name`: the producer. */
export const SERVICE_LABEL = 'service_name';

const EVENT_ID = lokiFieldName(ATTR.eventId);
const HEX64 = /^[0-9a-f]{64}$/;
// The record's canonical bytes are written straight into one reused buffer and hashed from there: building the
// string, measuring it and converting it to UTF-8 cost more than the SHA-256 itself (a verification reads every
// record of its range, often alongside an export).
const encoder = new CanonicalRecordEncoder();

/** An audit record as its chain sees it. */
export interface ChainEntry {
  /** The producer whose stream it was read from (its `service_name` label): a chain is one producer's. */
  readonly service: string;
  readonly chainId: string;
  readonly seq: number;
  readonly prev: string;
  /** `audit.chain.hash` as stored. */
  readonly hash: string;
  /** The hash recomputed from what Loki returned. */
  readonly computed: string;
  readonly ts: bigint;
  readonly eventId: string | undefined;
}

/** What an entry of a log type's stream is to the verifier. */
export type ParsedEntry =
  | { readonly kind: 'chained'; readonly entry: ChainEntry }
  | { readonly kind: 'unchained'; readonly ts: bigint; readonly eventId: string | undefined }
  | {
      readonly kind: 'malformed';
      readonly service: string;
      readonly chainId: string;
      readonly ts: bigint;
      readonly eventId: string | undefined;
      readonly reason: string;
    };

/** Reads the chain fields of an entry and recomputes its hash (contract `canonicalRecord`). */
export function parseChainEntry(e: LokiEntry): ParsedEntry {
  const m = e.metadata;
  const service = e.labels[SERVICE_LABEL] ?? '';
  const eventId = m[EVENT_ID];
  const chainId = m[INTEGRITY_FIELDS.chainId];
  const seqText = m[INTEGRITY_FIELDS.seq];
  const prev = m[INTEGRITY_FIELDS.prev];
  const stored = m[INTEGRITY_FIELDS.hash];
  if (chainId === undefined && seqText === undefined && prev === undefined && stored === undefined)
    return { kind: 'unchained', ts: e.ts, eventId };
  const seq = seqText !== undefined && /^[1-9][0-9]{0,15}$/.test(seqText) ? Number(seqText) : NaN;
  if (
    !chainId ||
    !Number.isSafeInteger(seq) ||
    !prev ||
    !HEX64.test(prev) ||
    !stored ||
    !HEX64.test(stored)
  ) {
    return {
      kind: 'malformed',
      service,
      chainId: chainId ?? '(none)',
      ts: e.ts,
      eventId,
      reason: 'its chain fields are missing or unreadable',
    };
  }
  const bytes = encoder.encode({
    prev,
    timestamp: String(e.ts),
    logType: e.labels[LOG_TYPE_LABEL] ?? '',
    severityNumber: m['severity_number'] ?? '',
    body: e.line,
    field: (lokiName) => m[lokiName],
  });
  return {
    kind: 'chained',
    entry: {
      service,
      chainId,
      seq,
      prev,
      hash: stored,
      computed: hash('sha256', bytes, 'hex'),
      ts: e.ts,
      eventId,
    },
  };
}
