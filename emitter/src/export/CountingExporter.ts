import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';

/** Callbacks of {@link CountingExporter}. */
export interface ExportListener {
  /** A batch was handed to the exporter (it has left the processor's queue). */
  onHandedOff(count: number): void;
  onExported(count: number): void;
  onFailed(count: number, error: unknown): void;
}

/** Counts what the wrapped exporter is given, delivers and fails to deliver. */
export class CountingExporter implements LogRecordExporter {
  constructor(
    private readonly inner: LogRecordExporter,
    private readonly listener: ExportListener
  ) {}

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const count = records.length;
    this.listener.onHandedOff(count);
    this.inner.export(records, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.listener.onExported(count);
      else this.listener.onFailed(count, result.error);
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
}
