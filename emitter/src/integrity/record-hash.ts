import { hash } from 'node:crypto';
import type { Attributes, HrTime } from '@opentelemetry/api';
import {
  CHAINED_ATTRIBUTES,
  CanonicalRecordEncoder,
  chainedValue,
  type Utf8Writer,
} from '@auditlens/contract';

/** ns since the epoch of an HrTime, in decimal (Loki's timestamp form). */
export function hrTimeToNanos(time: HrTime): string {
  const [seconds, nanos] = time;
  return seconds === 0 ? String(nanos) : `${seconds}${String(nanos).padStart(9, '0')}`;
}

const CHAINED_INDEX: ReadonlyMap<string, number> = new Map(
  CHAINED_ATTRIBUTES.map(([otelName], index) => [otelName, index])
);

// Buffer#write copies a string natively: a third of the encoder's own loop's time for a 64-digit hex hash.
const NODE_UTF8_WRITER: Utf8Writer<Buffer> = {
  allocate: (size) => Buffer.alloc(size),
  write: (bytes, text, offset) => bytes.write(text, offset),
};

/**
 * Hashes records one after the other (one per chainer, see `ChainerBase`), reusing one buffer for their
 * canonical encodings. A record's chained attributes are found by walking its own keys (a dozen) into their
 * places in the encoding rather than by looking up each of the 32 chained names, most of them absent:
 * measured, that lookup was a third of the encoding's cost.
 */
export class RecordHasher {
  private readonly encoder = new CanonicalRecordEncoder(NODE_UTF8_WRITER);
  private readonly values: (string | undefined)[] = new Array<string | undefined>(
    CHAINED_ATTRIBUTES.length
  ).fill(undefined);

  /**
   * SHA-256 (lowercase hex) of the canonical encoding (contract `canonicalRecord`) of a record after `prev`: its
   * log type, time, severity, body and chained attributes. Positional, as `ChainerBase.append` has them, so that
   * no object is made per record.
   */
  hash(
    prev: string,
    logType: string,
    time: HrTime,
    severityNumber: number | undefined,
    body: unknown,
    attributes: Attributes
  ): string {
    const values = this.values;
    for (const key in attributes) {
      const index = CHAINED_INDEX.get(key);
      if (index !== undefined) values[index] = chainedValue(attributes[key]);
    }
    const encoder = this.encoder;
    encoder.startAt(
      prev,
      time[0],
      time[1],
      logType,
      severityNumber === undefined ? '' : String(severityNumber),
      typeof body === 'string' ? body : ''
    );
    for (let index = 0; index < values.length; index++) {
      const value = values[index];
      if (value === undefined) continue;
      encoder.field(index, value);
      values[index] = undefined;
    }
    // crypto.hash (one shot) measured twice as fast as createHash().update().digest() for records this size.
    return hash('sha256', encoder.encoded(), 'hex');
  }
}
