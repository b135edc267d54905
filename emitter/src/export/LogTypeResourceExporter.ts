import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { ATTR, LOG_TYPES, eventNameFor } from '@auditlens/contract';

/**
 * Gives every record a resource that carries its `audit.log_type`, then hands the batch on.
 *
 * Loki makes only resource attributes into index labels, and an OTLP request groups records by resource,
 * so this turns one provider's records into one ResourceLogs per log type, whether the endpoint is the
 * collector or Loki's `/otlp`. The four resources are built once, so grouping stays cheap.
 */
export class LogTypeResourceExporter implements LogRecordExporter {
  private readonly resources = new Map<string, Resource>();

  constructor(
    private readonly inner: LogRecordExporter,
    base: Resource
  ) {
    for (const logType of LOG_TYPES) {
      this.resources.set(
        eventNameFor(logType),
        base.merge(resourceFromAttributes({ [ATTR.logType]: logType }))
      );
    }
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(
      records.map((r) => withResource(r, (r.eventName && this.resources.get(r.eventName)) || r.resource)),
      resultCallback
    );
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
}

function withResource(r: ReadableLogRecord, resource: Resource): ReadableLogRecord {
  return {
    hrTime: r.hrTime,
    hrTimeObserved: r.hrTimeObserved,
    spanContext: r.spanContext,
    severityText: r.severityText,
    severityNumber: r.severityNumber,
    body: r.body,
    eventName: r.eventName,
    resource,
    instrumentationScope: r.instrumentationScope,
    attributes: r.attributes,
    droppedAttributesCount: r.droppedAttributesCount,
  };
}
