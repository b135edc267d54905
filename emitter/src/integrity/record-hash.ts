import { hash } from 'node:crypto';
import type { Attributes, HrTime } from '@opentelemetry/api';
import { canonicalRecord, chainedValue } from '@auditlens/contract';

// Most values are printable ASCII, whose UTF-8 length is their length: a regex test costs less than a call
// into Buffer.byteLength; anything else is measured.
const PRINTABLE_ASCII = /^[ -~]*$/;
const byteLength = (text: string): number =>
  PRINTABLE_ASCII.test(text) ? text.length : Buffer.byteLength(text, 'utf8');

/** ns since the epoch of an HrTime, in decimal (Loki's timestamp form). */
export function hrTimeToNanos(time: HrTime): string {
  const [seconds, nanos] = time;
  return seconds === 0 ? String(nanos) : `${seconds}${String(nanos).padStart(9, '0')}`;
}

/** What of a record its chain hash covers. */
export interface HashedRecord {
  readonly logType: string;
  readonly time: HrTime;
  readonly severityNumber: number | undefined;
  readonly body: unknown;
  readonly attributes: Attributes;
}

/** SHA-256 (lowercase hex) of the canonical encoding of `record` after `prev` (contract `canonicalRecord`). */
export function recordHash(record: HashedRecord, prev: string): string {
  const text = canonicalRecord(
    {
      prev,
      timestamp: hrTimeToNanos(record.time),
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
