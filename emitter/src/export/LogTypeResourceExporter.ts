import type { Attributes } from '@opentelemetry/api';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { ATTR, LOG_TYPES, eventNameFor } from '@auditlens/contract';

const LOG_TYPE_BY_EVENT_NAME: ReadonlyMap<string, string> = new Map(
  LOG_TYPES.map((logType) => [eventNameFor(logType), logType])
);

/**
 * Puts each audit record's `audit.log_type` on its resource, then hands the batch on.
 *
 * Loki makes only resource attributes into index labels, and an OTLP request groups records by resource,
 * so this turns one provider's records into one ResourceLogs per log type, whether the endpoint is the
 * collector or Loki's `/otlp`. The log type comes from a record attribute `audit.log_type` (which is then
 * removed from the record, as the collector's `groupbyattrs` would do: Loki would otherwise keep a second
 * copy as `audit_log_type_extracted`), or else from the event name `audit.<log type>`. Other records pass
 * unchanged, so this can wrap the exporter of a service's own `LoggerProvider`. Resources are built once per
 * provider resource and log type, so grouping stays cheap.
 */
export class LogTypeResourceExporter implements LogRecordExporter {
  private readonly resources = new WeakMap<Resource, Map<string, Resource>>();

  constructor(private readonly inner: LogRecordExporter) {}

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(
      records.map((r) => this.withLogType(r)),
      resultCallback
    );
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  private withLogType(r: ReadableLogRecord): ReadableLogRecord {
    const attribute = r.attributes[ATTR.logType];
    const logType =
      typeof attribute === 'string'
        ? attribute
        : r.eventName === undefined
          ? undefined
          : LOG_TYPE_BY_EVENT_NAME.get(r.eventName);
    if (logType === undefined) return r;
    return {
      hrTime: r.hrTime,
      hrTimeObserved: r.hrTimeObserved,
      spanContext: r.spanContext,
      severityText: r.severityText,
      severityNumber: r.severityNumber,
      body: r.body,
      eventName: r.eventName,
      resource: this.resourceFor(r.resource, logType),
      instrumentationScope: r.instrumentationScope,
      attributes: attribute === undefined ? r.attributes : without(r.attributes, ATTR.logType),
      droppedAttributesCount: r.droppedAttributesCount,
    };
  }

  private resourceFor(base: Resource, logType: string): Resource {
    let byLogType = this.resources.get(base);
    if (!byLogType) {
      byLogType = new Map();
      this.resources.set(base, byLogType);
    }
    let resource = byLogType.get(logType);
    if (!resource) {
      resource = base.merge(resourceFromAttributes({ [ATTR.logType]: logType }));
      byLogType.set(logType, resource);
    }
    return resource;
  }
}

function without(attributes: Attributes, name: string): Attributes {
  const copy = { ...attributes };
  delete copy[name];
  return copy;
}
