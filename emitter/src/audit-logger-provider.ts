import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { SERVICE_NAME_ATTR } from '@auditlens/contract';
import type { AuditEmitterOptions } from './types';
import {
  otlpEndpointFromEnvIsSet,
  otlpProtocolFromEnv,
  otlpTimeoutFromEnv,
  resourceFromEnv,
} from './config/otel-environment';
import { LogTypeResourceExporter } from './export/LogTypeResourceExporter';
import { RequestSizeLimitExporter } from './export/RequestSizeLimitExporter';
import { CountingExporter } from './export/CountingExporter';
import { QueueGuardProcessor } from './export/QueueGuardProcessor';
import { IntegrityChainExporter } from './export/IntegrityChainExporter';
import { OtlpProtobufLogExporter } from './export/OtlpProtobufLogExporter';
import { RECORD_LIMITS, WholeAttributesProcessor } from './export/WholeAttributesProcessor';
import type { ChainIntegrity } from './integrity/checkpoint-policy';

/** The defaults documented in `types.ts`. */
export const DEFAULTS = {
  protocol: 'protobuf',
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  maxExportBytes: 4 * 1024 * 1024,
  scheduledDelayMillis: 1000,
  exportTimeoutMillis: 10_000,
} as const;

/** What the emitter's own pipeline tells it. */
export interface PipelineListener {
  /** A record was dropped because the queue was full. */
  onDropped(): void;
  onExported(count: number): void;
  onFailed(count: number, error: unknown): void;
}

/** The emitter's own pipeline: its provider, and the processor its records are emitted through. */
export interface AuditPipeline {
  readonly provider: LoggerProvider;
  readonly first: WholeAttributesProcessor;
}

/**
 * The emitter's own LoggerProvider: resource from the options over the OpenTelemetry environment, records
 * given their attributes whole, one batch queue whose drops are counted, and on the way out one resource per
 * log type, requests split under `maxExportBytes`, and counts of what was delivered. Throws a TypeError when
 * the configuration is incomplete.
 */
export function createAuditLoggerProvider(
  options: AuditEmitterOptions,
  integrity: ChainIntegrity | undefined,
  listener: PipelineListener
): AuditPipeline {
  const envResource = resourceFromEnv();
  const serviceName = options.serviceName ?? envResource.attributes[SERVICE_NAME_ATTR];
  if (typeof serviceName !== 'string' || serviceName === '') {
    throw new TypeError('createAuditEmitter: serviceName is required (or set OTEL_SERVICE_NAME)');
  }
  if (!options.exporter && !options.endpoint && !otlpEndpointFromEnvIsSet()) {
    throw new TypeError(
      'createAuditEmitter: endpoint is required (or set OTEL_EXPORTER_OTLP_LOGS_ENDPOINT or ' +
        'OTEL_EXPORTER_OTLP_ENDPOINT, or pass an exporter)'
    );
  }
  const maxQueueSize = options.maxQueueSize ?? DEFAULTS.maxQueueSize;
  const exportTimeoutMillis =
    options.exportTimeoutMillis ?? otlpTimeoutFromEnv() ?? DEFAULTS.exportTimeoutMillis;
  const resource = defaultResource()
    .merge(envResource)
    .merge(resourceFromAttributes({ ...options.resource, [SERVICE_NAME_ATTR]: serviceName }));

  // The exporter reports hand-offs to the guard declared below; it only calls back once records flow.
  const destination = options.exporter ?? otlpExporter(options, exportTimeoutMillis);
  const counting = new CountingExporter(destination, {
    onHandedOff: (n) => guard.handOff(n),
    onExported: (n) => listener.onExported(n),
    onFailed: (n, error) => listener.onFailed(n, error),
  });
  const records = new LogTypeResourceExporter(
    new RequestSizeLimitExporter(counting, options.maxExportBytes ?? DEFAULTS.maxExportBytes)
  );
  // Checkpoints go to the same destination past the delivery counters: stats() counts audit events only.
  const exporter = integrity
    ? new IntegrityChainExporter(
        records,
        new LogTypeResourceExporter(destination),
        integrity.ledger,
        integrity.policy
      )
    : records;
  const batch = new BatchLogRecordProcessor({
    exporter,
    maxQueueSize,
    maxExportBatchSize: Math.min(options.maxExportBatchSize ?? DEFAULTS.maxExportBatchSize, maxQueueSize),
    scheduledDelayMillis: options.scheduledDelayMillis ?? DEFAULTS.scheduledDelayMillis,
    exportTimeoutMillis,
  });
  const ledger = integrity?.ledger;
  const guard = new QueueGuardProcessor(
    batch,
    maxQueueSize,
    () => listener.onDropped(),
    ledger && ((record) => ledger.stamp(record))
  );
  const first = new WholeAttributesProcessor(guard);
  return {
    provider: new LoggerProvider({ resource, logRecordLimits: RECORD_LIMITS, processors: [first] }),
    first,
  };
}

function otlpExporter(options: AuditEmitterOptions, timeoutMillis: number): LogRecordExporter {
  const config = {
    // Without a URL, the exporter applies OTEL_EXPORTER_OTLP_LOGS_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT itself.
    url: options.endpoint === undefined ? undefined : `${options.endpoint.replace(/\/+$/, '')}/v1/logs`,
    headers: options.headers === undefined ? undefined : { ...options.headers },
    timeoutMillis,
  };
  const protocol = options.protocol ?? otlpProtocolFromEnv() ?? DEFAULTS.protocol;
  return protocol === 'json' ? new OTLPJsonLogExporter(config) : new OtlpProtobufLogExporter(config);
}
