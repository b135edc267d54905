import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ATTR, CHECKPOINT_LOG_TYPE } from '@auditlens/contract';

/** What {@link InMemoryAuditExporter} keeps of each record. */
export interface CapturedAuditRecord {
  readonly logType: string;
  readonly eventName: string | undefined;
  readonly severityText: string | undefined;
  readonly body: unknown;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly resource: Readonly<Record<string, unknown>>;
}

/**
 * Keeps exported audit records in memory, for tests of code that records audit events. Integrity checkpoints
 * are kept apart ({@link InMemoryAuditExporter.checkpoints}), so `records()` holds the audit events only.
 */
export class InMemoryAuditExporter implements LogRecordExporter {
  private readonly captured: CapturedAuditRecord[] = [];
  private readonly capturedCheckpoints: CapturedAuditRecord[] = [];
  private stopped = false;

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    for (const r of records) {
      const resource = { ...r.resource.attributes };
      const logType = String(resource[ATTR.logType] ?? r.attributes[ATTR.logType] ?? '');
      (logType === CHECKPOINT_LOG_TYPE ? this.capturedCheckpoints : this.captured).push({
        logType,
        eventName: r.eventName,
        severityText: r.severityText,
        body: r.body,
        attributes: { ...r.attributes },
        resource,
      });
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** Every record exported so far, oldest first. */
  records(): readonly CapturedAuditRecord[] {
    return this.captured;
  }

  /** Every integrity checkpoint exported so far, oldest first. */
  checkpoints(): readonly CapturedAuditRecord[] {
    return this.capturedCheckpoints;
  }

  /** Forgets the records and checkpoints exported so far. */
  reset(): void {
    this.captured.length = 0;
    this.capturedCheckpoints.length = 0;
  }

  shutdown(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
