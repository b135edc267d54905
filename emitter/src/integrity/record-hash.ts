import { hash } from 'node:crypto';
import type { Attributes, HrTime } from '@opentelemetry/api';
import { canonicalRecord, chainedValue } from '@auditlens/contract';

// Used only for records that are not all printable ASCII (canonicalRecord's fast path handles the rest).
const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/** ns since the epoch of an HrTime, in decimal (Loki's timestamp form). */
export function hrTimeToNanos(time: HrTime): string {
  const [seconds, nanos] = time;
  return seconds === 0 ? String(nanos) : `${seconds}${String(nanos).padStart(9, '0')}`;
}

/** What of a record its chain hash covers. */
export interface HashedRecord {
  readonly logType: string;
  /** The timestamp, ns decimal ({@link hrTimeToNanos}). */
  readonly timestamp: string;
  readonly severityNumber: number | undefined;
  readonly body: unknown;
  readonly attributes: Attributes;
}

/** SHA-256 (lowercase hex) of the canonical encoding of `record` after `prev` (contract `canonicalRecord`). */
export function recordHash(record: HashedRecord, prev: string): string {
  const text = canonicalRecord(
    {
      prev,
      timestamp: record.timestamp,
      logType: record.logType,
      severityNumber: record.severityNumber === undefined ? '' : String(record.severityNumber),
      body: typeof record.body === 'string' ? record.body : '',
      field: (_lokiName, otelName) => chainedValue(record.attributes[otelName]),
    },
    byteLength
  );
  // crypto.hash (one shot) measured twice as fast as createHash().update().digest() for records this size.
  return hash('sha256', text, 'hex');
}
