import type { Attributes, LogRecord, LoggerProvider } from '@opentelemetry/api';
import { ATTR, LOG_TYPES, eventNameFor, type LogType } from '@auditlens/contract';
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
import { createAuditLoggerProvider } from './audit-logger-provider';
import { ChainLedger } from './integrity/chain-ledger';
import { checkpointPolicy, type ChainIntegrity } from './integrity/checkpoint-policy';
import { InlineChainer } from './integrity/InlineChainer';
import { EMITTER_NAME, EMITTER_VERSION } from './version';

const EVENT_NAMES = Object.fromEntries(LOG_TYPES.map((t) => [t, eventNameFor(t)])) as Record<LogType, string>;

const ENCODE_DEFAULTS: EncodeLimits = { maxChangesBytes: 16_384, maxAttributeLength: 2048 };

// Options that configure a pipeline, which a service's own LoggerProvider already has.
const PIPELINE_OPTIONS = [
  'serviceName',
  'resource',
  'endpoint',
  'headers',
  'protocol',
  'exporter',
  'maxQueueSize',
  'maxExportBatchSize',
  'maxExportBytes',
  'scheduledDelayMillis',
  'exportTimeoutMillis',
] as const satisfies ReadonlyArray<keyof AuditEmitterOptions>;

/** Creates an emitter that records audit events as OTel log records sent over OTLP/HTTP. */
export function createAuditEmitter(options: AuditEmitterOptions = {}): AuditEmitter {
  return new OtelAuditEmitter(options);
}

/** How the emitter hands records on: its own provider, or one the service runs. */
interface Delivery {
  /** Emits an encoded record (as `eventName`), linked into its chain where this delivery links on the call. */
  emit(eventName: string, record: AuditRecord): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

class OtelAuditEmitter implements AuditEmitter {
  private readonly delivery: Delivery;
  private readonly limits: EncodeLimits;
  private readonly counters = { recorded: 0, rejected: 0, dropped: 0, exported: 0, failed: 0 };
  private shutdownPromise: Promise<void> | undefined;

  constructor(private readonly options: AuditEmitterOptions) {
    this.limits = {
      maxChangesBytes: options.maxChangesBytes ?? ENCODE_DEFAULTS.maxChangesBytes,
      maxAttributeLength: options.maxAttributeLength ?? ENCODE_DEFAULTS.maxAttributeLength,
    };
    const policy =
      options.integrity === false
        ? undefined
        : checkpointPolicy(options.integrity ?? {}, (message, cause) =>
            this.report({ kind: 'export', message, cause })
          );
    const integrity = policy ? { ledger: new ChainLedger(), policy } : undefined;
    this.delivery = options.loggerProvider
      ? serviceDelivery(options.loggerProvider, options, integrity)
      : this.ownDelivery(options, integrity);
  }

  private ownDelivery(options: AuditEmitterOptions, integrity: ChainIntegrity | undefined): Delivery {
    const { provider, first } = createAuditLoggerProvider(options, integrity, {
      onDropped: () => {
        this.counters.dropped += 1;
        this.report({ kind: 'dropped', message: 'audit record dropped: the export queue is full' });
      },
      onExported: (n) => (this.counters.exported += n),
      onFailed: (n, error) => {
        this.counters.failed += n;
        this.report({ kind: 'export', message: `could not deliver ${n} audit records`, cause: error });
      },
    });
    const logger = provider.getLogger(EMITTER_NAME, EMITTER_VERSION);
    return {
      // The own pipeline numbers and links records later, off the call; the record's attributes go to its
      // first processor whole.
      emit: (eventName, record) => first.emit(logger, logRecordOf(eventName, record), record.attributes),
      flush: () => provider.forceFlush(),
      shutdown: () => provider.shutdown(),
    };
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
      await this.delivery.flush();
    } catch (error) {
      this.report({ kind: 'export', message: 'flush failed', cause: error });
    }
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.delivery.shutdown().catch((error: unknown) => {
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
      this.delivery.emit(EVENT_NAMES[record.logType], record);
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

/**
 * Delivery through a service's own LoggerProvider. Flushing flushes it (when it can); shutting the emitter down
 * stops recording but leaves the provider, which belongs to the service, running.
 */
function serviceDelivery(
  provider: LoggerProvider,
  options: AuditEmitterOptions,
  integrity: ChainIntegrity | undefined
): Delivery {
  const refused = PIPELINE_OPTIONS.filter((name) => options[name] !== undefined);
  if (refused.length > 0) {
    throw new TypeError(
      `createAuditEmitter: ${refused.join(', ')} cannot be used with loggerProvider (its own pipeline applies)`
    );
  }
  const flushable = provider as LoggerProvider & { forceFlush?: () => Promise<void> };
  const flushProvider = () =>
    typeof flushable.forceFlush === 'function' ? flushable.forceFlush() : Promise.resolve();
  const logger = provider.getLogger(EMITTER_NAME, EMITTER_VERSION);
  const chainer = integrity && new InlineChainer(logger, integrity.ledger, integrity.policy);
  return {
    emit: (eventName, record) => {
      // A service's provider has its own resource: the log type travels on the record, and the chain is linked
      // here, on the call.
      record.attributes[ATTR.logType] = record.logType;
      chainer?.link(record);
      logger.emit(logRecordOf(eventName, record, record.attributes));
    },
    flush: async () => {
      await chainer?.forceFlush();
      await flushProvider();
    },
    shutdown: async () => {
      await chainer?.shutdown();
      await flushProvider();
    },
  };
}

/** The OTel log record of an encoded audit record, with `attributes` (none: the own pipeline hands them over). */
function logRecordOf(eventName: string, record: AuditRecord, attributes?: Attributes): LogRecord {
  return {
    eventName,
    timestamp: record.time,
    severityNumber: record.severity.number,
    severityText: record.severity.text,
    body: record.body,
    attributes,
  };
}
