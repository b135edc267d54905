import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { REQUEST_OVERHEAD_BYTES, ResourceSizes, recordSizeUpperBound } from './record-size';

/**
 * Splits each batch into requests that stay under `maxBytes`, and sends them one after the other.
 *
 * Loki refuses a push larger than its `ingestion_burst_size_mb` with 429, and one whose entries exceed its
 * gRPC message limit (4 MiB by default) with 503, every time: a batch counted in records alone can never get
 * through once its records are large. The size of each record is bounded from above (see `record-size.ts`)
 * for both OTLP encodings and for Loki's own count, so a request is never larger than `maxBytes` on the wire
 * nor in Loki's eyes. A single record larger than `maxBytes` goes alone. Parts are sent one at a time, which
 * is gentler on Loki's rate limit than sending them together; the batch fails if any part fails.
 */
export class RequestSizeLimitExporter implements LogRecordExporter {
  private readonly resourceSizes = new ResourceSizes();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly inner: LogRecordExporter,
    private readonly maxBytes: number
  ) {}

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const parts = this.split(records);
    if (parts.length === 1) {
      this.inner.export(records, resultCallback);
      return;
    }
    const sending: Promise<void> = this.sendInTurn(parts)
      .then(resultCallback, (error: unknown) =>
        resultCallback({ code: ExportResultCode.FAILED, error: toError(error) })
      )
      // A throwing callback belongs to the processor; it must not leave a rejected promise behind.
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  /** Waits for the parts still being sent, then flushes the wrapped exporter. */
  async forceFlush(): Promise<void> {
    await Promise.all(this.inFlight);
    await this.inner.forceFlush();
  }

  /** Waits for the parts still being sent, then shuts the wrapped exporter down. */
  async shutdown(): Promise<void> {
    await Promise.all(this.inFlight);
    await this.inner.shutdown();
  }

  /** The batch cut, in order, into runs whose size bound stays under the limit. */
  split(records: readonly ReadableLogRecord[]): ReadableLogRecord[][] {
    const parts: ReadableLogRecord[][] = [];
    let start = 0;
    let size = REQUEST_OVERHEAD_BYTES;
    for (let i = 0; i < records.length; i++) {
      const recordSize = recordSizeUpperBound(records[i]!, this.resourceSizes);
      if (i > start && size + recordSize > this.maxBytes) {
        parts.push(records.slice(start, i));
        start = i;
        size = REQUEST_OVERHEAD_BYTES;
      }
      size += recordSize;
    }
    parts.push(start === 0 ? (records as ReadableLogRecord[]) : records.slice(start));
    return parts;
  }

  private async sendInTurn(parts: readonly ReadableLogRecord[][]): Promise<ExportResult> {
    let failure: ExportResult | undefined;
    for (const part of parts) {
      const result = await new Promise<ExportResult>((resolve) => this.inner.export(part, resolve));
      if (result.code !== ExportResultCode.SUCCESS) failure ??= result;
    }
    return failure ?? { code: ExportResultCode.SUCCESS };
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
