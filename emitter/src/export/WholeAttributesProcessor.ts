import type { Attributes, Context, Logger, LogRecord } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';

/**
 * The limits the emitter's own LoggerProvider is given: the SDK's defaults (sdk-logs `LoggerProvider`, which
 * reads no `OTEL_LOGRECORD_*` variable itself), stated here so that {@link wholeAttributes} checks the same.
 */
export const RECORD_LIMITS = { attributeCountLimit: 128, attributeValueLengthLimit: Infinity } as const;

/**
 * The attributes the SDK would keep, every one unchanged, when it checked them one by one: `attributes` itself
 * when each value is a string, number or boolean, a copy without the `undefined` values (which the SDK skips)
 * when there are some, and `undefined` when the SDK has something to decide (another kind of value, an empty
 * key, more than {@link RECORD_LIMITS} allows).
 */
export function wholeAttributes(attributes: Readonly<Record<string, unknown>>): Attributes | undefined {
  let count = 0;
  let skipped = 0;
  for (const key in attributes) {
    const value = attributes[key];
    switch (typeof value) {
      case 'string':
      case 'number':
      case 'boolean':
        if (key === '') return undefined;
        count++;
        break;
      case 'undefined':
        skipped++;
        break;
      default:
        return undefined;
    }
  }
  if (count > RECORD_LIMITS.attributeCountLimit) return undefined;
  if (skipped === 0) return attributes as Attributes;
  const kept: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) kept[key] = value as string | number | boolean;
  }
  return kept;
}

/** Makes `attributes` the record's own; false when the record would not take them. */
function handOver(record: ReadWriteLogRecord, attributes: Attributes): boolean {
  try {
    (record as { attributes: Attributes }).attributes = attributes;
  } catch {
    return false;
  }
  return record.attributes === attributes;
}

/**
 * First processor of the emitter's own pipeline: gives each of the emitter's records its attributes whole.
 *
 * The SDK's `LogRecordImpl` copies a record's attributes one by one through `setAttribute`, each with an options
 * object, a validity check that allocates a `WeakSet` and the limits: measured with `node --cpu-prof` on the
 * emitter's bench, 1.7 µs of an audit record's 11 µs of CPU, for attributes the emitter has built valid and
 * capped itself. So {@link emit} holds them, emits the record without them, and {@link onEmit}, which the SDK
 * calls synchronously from `Logger.emit` before anything else sees the record, hands the held object over.
 * A record whose attributes the SDK would change (see {@link wholeAttributes}) goes through its check as
 * before, and so would every record of an SDK whose records did not take the object.
 */
export class WholeAttributesProcessor implements LogRecordProcessor {
  private held: Attributes | undefined;

  constructor(private readonly inner: LogRecordProcessor) {}

  /** Emits `record` (given without attributes) through `logger` with `attributes`. */
  emit(logger: Logger, record: LogRecord, attributes: Readonly<Record<string, unknown>>): void {
    const whole = wholeAttributes(attributes);
    if (whole === undefined) {
      logger.emit({ ...record, attributes: attributes as Attributes });
      return;
    }
    this.held = whole;
    try {
      logger.emit(record);
    } finally {
      // A logger that emitted nothing (shut down, disabled) never asked for them.
      this.held = undefined;
    }
  }

  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    const held = this.held;
    if (held !== undefined) {
      this.held = undefined;
      if (!handOver(record, held)) record.setAttributes(held);
    }
    this.inner.onEmit(record, context);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
