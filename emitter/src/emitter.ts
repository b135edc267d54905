import type { Logger } from '@opentelemetry/api';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { LOG_TYPES, SERVICE_NAME_ATTR, eventNameFor, type LogType } from '@auditlens/contract';
import type {
  AccessEvent,
  ActivityEvent,
  AuditEmitter,
  AuditEmitterError,
  AuditEmitterOptions,
  AuditEmitterStats,
  IntegrationFailureEvent,
  WebhookFailureEvent,
} from './types';
import type { AuditRecord } from './event';
import type { EncodeLimits } from './encode/limits';
import { encodeActivity } from './encode/activity';
import { encodeAccess } from './encode/access';
import { encodeWebhookFailure } from './encode/webhook-failure';
import { encodeIntegrationFailure } from './encode/integration-failure';
import {
  validateAccess,
  validateActivity,
  validateIntegrationFailure,
  validateWebhookFailure,
  type Validator,
} from './validate/validators';
import { AuditValidationError } from './validate/AuditValidationError';
import { LogTypeResourceExporter } from './export/LogTypeResourceExporter';
import { CountingExporter } from './export/CountingExporter';
import { QueueGuardProcessor } from './export/QueueGuardProcessor';
import { EMITTER_NAME, EMITTER_VERSION } from './version';

const EVENT_NAMES = Object.fromEntries(LOG_TYPES.map((t) => [t, eventNameFor(t)])) as Record<LogType, string>;

const DEFAULTS = {
  protocol: 'json',
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 1000,
  exportTimeoutMillis: 10_000,
  maxChangesBytes: 16_384,
  maxAttributeLength: 2048,
} as const;

/** Creates an emitter that records audit events as OTel log records sent over OTLP/HTTP. */
export function createAuditEmitter(options: AuditEmitterOptions): AuditEmitter {
  return new OtelAuditEmitter(options);
}

class OtelAuditEmitter implements AuditEmitter {
  private readonly provider: LoggerProvider;
  private readonly logger: Logger;
  private readonly limits: EncodeLimits;
  private readonly counters = { recorded: 0, rejected: 0, dropped: 0, exported: 0, failed: 0 };
  private shutdownPromise: Promise<void> | undefined;

  constructor(private readonly options: AuditEmitterOptions) {
    if (!options.serviceName) throw new TypeError('createAuditEmitter: serviceName is required');
    if (!options.exporter && !options.endpoint) {
      throw new TypeError('createAuditEmitter: endpoint is required (or pass an exporter)');
    }
    this.limits = {
      maxChangesBytes: options.maxChangesBytes ?? DEFAULTS.maxChangesBytes,
      maxAttributeLength: options.maxAttributeLength ?? DEFAULTS.maxAttributeLength,
    };
    const maxQueueSize = options.maxQueueSize ?? DEFAULTS.maxQueueSize;
    const exportTimeoutMillis = options.exportTimeoutMillis ?? DEFAULTS.exportTimeoutMillis;
    const resource = defaultResource().merge(
      resourceFromAttributes({ ...options.resource, [SERVICE_NAME_ATTR]: options.serviceName })
    );

    // The exporter reports hand-offs to the guard declared below; it only calls back once records flow.
    const exporter = new CountingExporter(
      new LogTypeResourceExporter(options.exporter ?? otlpExporter(options, exportTimeoutMillis), resource),
      {
        onHandedOff: (n) => guard.handOff(n),
        onExported: (n) => (this.counters.exported += n),
        onFailed: (n, error) => {
          this.counters.failed += n;
          this.report({ kind: 'export', message: `could not deliver ${n} audit records`, cause: error });
        },
      }
    );
    const batch = new BatchLogRecordProcessor({
      exporter,
      maxQueueSize,
      maxExportBatchSize: Math.min(options.maxExportBatchSize ?? DEFAULTS.maxExportBatchSize, maxQueueSize),
      scheduledDelayMillis: options.scheduledDelayMillis ?? DEFAULTS.scheduledDelayMillis,
      exportTimeoutMillis,
    });
    const guard = new QueueGuardProcessor(batch, maxQueueSize, () => {
      this.counters.dropped += 1;
      this.report({ kind: 'dropped', message: 'audit record dropped: the export queue is full' });
    });
    this.provider = new LoggerProvider({ resource, processors: [guard] });
    this.logger = this.provider.getLogger(EMITTER_NAME, EMITTER_VERSION);
  }

  activity(event: ActivityEvent): void {
    this.record('activity', validateActivity, event, encodeActivity);
  }

  access(event: AccessEvent): void {
    this.record('access', validateAccess, event, encodeAccess);
  }

  webhookFailure(event: WebhookFailureEvent): void {
    this.record('webhook_failure', validateWebhookFailure, event, encodeWebhookFailure);
  }

  integrationFailure(event: IntegrationFailureEvent): void {
    this.record('integration_failure', validateIntegrationFailure, event, encodeIntegrationFailure);
  }

  async flush(): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    try {
      await this.provider.forceFlush();
    } catch (error) {
      this.report({ kind: 'export', message: 'flush failed', cause: error });
    }
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.provider.shutdown().catch((error: unknown) => {
      this.report({ kind: 'export', message: 'shutdown failed', cause: error });
    });
    return this.shutdownPromise;
  }

  stats(): AuditEmitterStats {
    return { ...this.counters };
  }

  private record<T>(
    logType: string,
    validate: Validator,
    event: T,
    encode: (event: T, limits: EncodeLimits) => AuditRecord
  ): void {
    const issues = validate(event);
    if (issues.length > 0) {
      this.counters.rejected += 1;
      const error = new AuditValidationError(logType, issues);
      if (this.options.throwOnInvalid) throw error;
      this.report({ kind: 'invalid', message: error.message, logType, issues: error.issues, cause: error });
      return;
    }
    this.counters.recorded += 1;
    if (this.shutdownPromise) {
      this.counters.dropped += 1;
      this.report({ kind: 'dropped', message: 'audit record dropped: the emitter is shut down' });
      return;
    }
    try {
      const record = encode(event, this.limits);
      this.logger.emit({
        eventName: EVENT_NAMES[record.logType],
        timestamp: record.time,
        severityNumber: record.severity.number,
        severityText: record.severity.text,
        body: record.body,
        attributes: record.attributes,
      });
    } catch (error) {
      // Recording must never break the caller's request.
      this.counters.failed += 1;
      this.report({ kind: 'export', message: 'could not record audit event', cause: error });
    }
  }

  private report(error: AuditEmitterError): void {
    try {
      this.options.onError?.(error);
    } catch {
      // An error hook that throws must not reach the caller either.
    }
  }
}

function otlpExporter(options: AuditEmitterOptions, timeoutMillis: number): LogRecordExporter {
  const config = {
    url: `${(options.endpoint ?? '').replace(/\/+$/, '')}/v1/logs`,
    headers: { ...options.headers },
    timeoutMillis,
  };
  return (options.protocol ?? DEFAULTS.protocol) === 'protobuf'
    ? new OTLPProtoLogExporter(config)
    : new OTLPJsonLogExporter(config);
}
