import type { Context } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';

/**
 * Sits in front of a BatchLogRecordProcessor and counts what its full queue would drop.
 *
 * The SDK drops records silently when its queue is full. The queue holds what was emitted and not yet
 * handed to the exporter, so with `queued = accepted - handedOff` this processor knows exactly when the
 * next record would be dropped, drops it itself and reports it.
 */
export class QueueGuardProcessor implements LogRecordProcessor {
  private accepted = 0;
  private handedOff = 0;

  /**
   * @param sequence called with every record before it is queued or dropped (the hash chain numbers them here,
   *   so that a dropped record leaves a hole in the numbers). Default: none.
   */
  constructor(
    private readonly inner: LogRecordProcessor,
    private readonly maxQueueSize: number,
    private readonly onDrop: () => void,
    private readonly sequence?: (record: ReadWriteLogRecord) => void
  ) {}

  /** Tells the guard that `count` records left the queue for the exporter. */
  handOff(count: number): void {
    this.handedOff += count;
  }

  onEmit(record: ReadWriteLogRecord, context?: Context): void {
    this.sequence?.(record);
    if (this.accepted - this.handedOff >= this.maxQueueSize) {
      this.onDrop();
      return;
    }
    this.accepted += 1;
    this.inner.onEmit(record, context);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
