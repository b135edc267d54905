import type { KeyObject } from 'node:crypto';
import type { LoggerProvider } from '@opentelemetry/api';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { AccessAction, ActivityAction, Portal } from '@auditlens/contract';

/**
 * Options of {@link createAuditEmitter}. Where an option is not given, the standard OpenTelemetry environment
 * variable applies, as in every OpenTelemetry SDK (named in each option below); an option always wins.
 */
export interface AuditEmitterOptions {
  /**
   * Resource `service.name` of the emitting service, e.g. `helpdesk` (Loki label `service_name`).
   * Default: `OTEL_SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES`. Required from one of them
   * (there is no `unknown_service` default: the AuditLens app finds events by this label).
   */
  readonly serviceName?: string;
  /**
   * OTLP/HTTP base URL: the collector (`http://localhost:4318`) or Loki's OTLP endpoint
   * (`http://loki:3100/otlp`). `/v1/logs` is appended. Default: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` (used as
   * is), else `OTEL_EXPORTER_OTLP_ENDPOINT` (with `/v1/logs` appended). Required from one of them unless
   * `exporter` is given (there is no `localhost` default: an audit trail must be sent somewhere on purpose).
   */
  readonly endpoint?: string;
  /**
   * Extra HTTP headers, e.g. the collector's `Authorization` or Loki's `X-Scope-OrgID`. They are added over
   * `OTEL_EXPORTER_OTLP_LOGS_HEADERS` / `OTEL_EXPORTER_OTLP_HEADERS` (`key=value,...`). Default none.
   */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Extra resource attributes (e.g. `deployment.environment.name`), over those of `OTEL_RESOURCE_ATTRIBUTES`.
   * Loki makes some of them index labels by default: keep them few. Default none.
   */
  readonly resource?: Readonly<Record<string, string>>;
  /**
   * Wire encoding of OTLP/HTTP. Default: `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`
   * (`http/protobuf` or `http/json`; `grpc` is refused at creation), else `protobuf`, the specification's
   * default and about 1.5 times the events per second of `json`.
   */
  readonly protocol?: 'json' | 'protobuf';
  /** Records held while the endpoint is slow or down; beyond this they are dropped and counted. The default value is 2048. */
  readonly maxQueueSize?: number;
  /** Records per export (then split by `maxExportBytes`). The default value is 512. */
  readonly maxExportBatchSize?: number;
  /**
   * Upper bound of one OTLP request, in bytes: a batch that could be larger is sent as several requests. The
   * bound holds for the request body (JSON or protobuf) and for what Loki counts against
   * `ingestion_burst_size_mb` and its 4 MiB gRPC message limit (line plus structured metadata, with the
   * resource repeated on every entry). The default value is 4194304 (4 MiB).
   */
  readonly maxExportBytes?: number;
  /** Delay between two exports, in ms. The default value is 1000. */
  readonly scheduledDelayMillis?: number;
  /**
   * Time one OTLP request (with the exporter's own retries of 429/502/503/504 and network errors) may take,
   * in ms. Default: `OTEL_EXPORTER_OTLP_LOGS_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT`, else 10000.
   */
  readonly exportTimeoutMillis?: number;
  /** Cap on the JSON of `changes`, in bytes; larger values are truncated. The default value is 16384. */
  readonly maxChangesBytes?: number;
  /** Cap on any other string attribute, in characters. The default value is 2048. */
  readonly maxAttributeLength?: number;
  /** Called for rejected input, dropped records and export failures. Never throws into the caller. Default: none. */
  readonly onError?: (error: AuditEmitterError) => void;
  /** Throw {@link AuditValidationError} on invalid input instead of reporting it (for tests). The default value is false. */
  readonly throwOnInvalid?: boolean;
  /**
   * Replace the OTLP exporter (e.g. with `InMemoryAuditExporter` in tests). It still gets the emitter's
   * batching, `audit.log_type` resources and `maxExportBytes` splitting. Default: OTLP/HTTP to `endpoint`.
   */
  readonly exporter?: LogRecordExporter;
  /**
   * Record through a `LoggerProvider` the service already runs (the OTel Node SDK's, e.g.
   * `logs.getLoggerProvider()` from `@opentelemetry/api`) instead of the emitter's own. Its resource,
   * processors and exporters then apply, so the options above that configure those (`serviceName`,
   * `resource`, `endpoint`, `headers`, `protocol`, `exporter`, `maxQueueSize`, `maxExportBatchSize`,
   * `maxExportBytes`, `scheduledDelayMillis`, `exportTimeoutMillis`) are refused beside it. Records then carry
   * `audit.log_type` as a record attribute, which must reach Loki as a resource attribute: send them through
   * the collector (its `groupbyattrs` moves it), or wrap the provider's exporter in
   * {@link LogTypeResourceExporter} (and {@link RequestSizeLimitExporter} when it sends straight to Loki).
   * `stats()` then counts `recorded` and `rejected` only. Default: none (the emitter runs its own provider).
   */
  readonly loggerProvider?: LoggerProvider;
  /**
   * Tamper evidence (docs/integrity.md). Every record carries its place in a hash chain (`audit.chain.id`,
   * `.seq`, `.prev`, `.hash`; one chain per emitter and log type), and checkpoint records (their own
   * `audit_log_type`, `integrity_checkpoint`) state each chain's head, signed with `signingKey` when one is
   * given. `false` turns chaining and checkpoints off. Default: on, with unsigned checkpoints.
   */
  readonly integrity?: false | IntegrityOptions;
}

/** Options of the audit trail's hash chains and checkpoints. */
export interface IntegrityOptions {
  /** The service owner's Ed25519 key that signs checkpoints. Default: none (checkpoints are written unsigned). */
  readonly signingKey?: CheckpointSigningKey;
  /** A checkpoint after this many records of a chain. The default value is 1000. */
  readonly checkpointEveryRecords?: number;
  /** A checkpoint this long (ms) after the last one while a chain's head has moved. The default value is 60000. */
  readonly checkpointEveryMillis?: number;
}

/** The Ed25519 key of checkpoint signatures: exactly one of `privateKeyFile`, `privateKey` or `sign`. */
export interface CheckpointSigningKey {
  /**
   * Names the key in each checkpoint, so verifiers pick the public key (`INTEGRITY_PUBLIC_KEYS` of the export
   * service), where it is bound to this emitter's `serviceName`: it verifies no other producer's chains.
   */
  readonly keyId: string;
  /** A PEM file holding the private key (PKCS#8), e.g. from `openssl genpkey -algorithm ed25519`. */
  readonly privateKeyFile?: string;
  /** The private key itself, as a KeyObject or PEM. */
  readonly privateKey?: KeyObject | string;
  /** Signs elsewhere (a KMS, an HSM): returns the 64-byte Ed25519 signature of `payload`. */
  readonly sign?: (payload: Uint8Array) => Promise<Uint8Array>;
}

/** Why a record did not reach the endpoint. */
export type AuditEmitterErrorKind = 'invalid' | 'dropped' | 'export';

/** What {@link AuditEmitterOptions.onError} receives. */
export interface AuditEmitterError {
  readonly kind: AuditEmitterErrorKind;
  readonly message: string;
  /** For `invalid`: the log type of the rejected call. */
  readonly logType?: string;
  /** For `invalid`: each wrong field and what is wrong with it. */
  readonly issues?: ReadonlyArray<{ readonly field: string; readonly message: string }>;
  readonly cause?: unknown;
}

/** Counters of what happened to recorded events since the emitter was created. */
export interface AuditEmitterStats {
  /**
   * Valid calls. Each ends up exported, failed or dropped (or is still queued):
   * `recorded = exported + failed + dropped + queued`.
   */
  readonly recorded: number;
  /** Calls rejected for invalid input (nothing sent). */
  readonly rejected: number;
  /** Records dropped because the queue was full or the emitter was shut down. */
  readonly dropped: number;
  /** Records the endpoint accepted (always 0 with `loggerProvider`, whose pipeline delivers them). */
  readonly exported: number;
  /** Records whose export finally failed (always 0 with `loggerProvider`). */
  readonly failed: number;
}

/** Somebody who did something: an agent, admin or API client. */
export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly email?: string;
  readonly roles?: readonly string[];
}

/** What an activity changed. */
export interface Target {
  readonly type: string;
  readonly id: string;
  readonly name?: string;
}

/** Fields every event may carry. */
export interface CommonFields {
  /** When it happened. Default: now, with nanosecond precision. */
  readonly time?: Date;
  /** Client IP address (`client.address`). */
  readonly ip?: string;
  /** `user_agent.original`. */
  readonly userAgent?: string;
  /** `session.id`. */
  readonly sessionId?: string;
  /** Brand of a multi-brand help desk. */
  readonly brand?: string;
}

/** A change to an admin setting (create/update/delete) in any module. */
export interface ActivityEvent extends CommonFields {
  readonly actor: Actor;
  /** The module, e.g. `SLA policies`, `Roles and permissions`. */
  readonly category: string;
  readonly action: ActivityAction;
  readonly target: Target;
  /** Human summary, the log line. */
  readonly summary: string;
  /** Before/after values; secrets are redacted and the JSON is size-capped. */
  readonly changes?: Readonly<Record<string, unknown>>;
  /** Default `success`. */
  readonly outcome?: 'success' | 'failure';
}

/** A login, logout, failed login or impersonation. */
export interface AccessEvent extends CommonFields {
  readonly user: Actor;
  readonly action: AccessAction;
  readonly portal: Portal;
  /** `form`, or the social/SSO provider (`google`, `saml`, ...). */
  readonly loginSource: string;
  readonly ip: string;
  readonly impersonator?: { readonly id: string; readonly name: string };
  /** Default: a sentence built from the other fields. */
  readonly summary?: string;
  /** For `login_failed`, e.g. `invalid_password`. */
  readonly reason?: string;
}

/** A failed webhook delivery. */
export interface WebhookFailureEvent extends CommonFields {
  readonly webhookName: string;
  /** Credentials, a known webhook host's secret path, secret-looking path segments and parameters are redacted. */
  readonly url: string;
  readonly method?: string;
  readonly statusCode?: number;
  /** `error.message`; credentials in it (URLs, `Authorization`, `password=`, tokens) are redacted. */
  readonly error: string;
  readonly attempt?: number;
  readonly summary?: string;
}

/** A failed third-party integration. */
export interface IntegrationFailureEvent extends CommonFields {
  readonly integrationName: string;
  readonly integrationType: string;
  readonly failureType: string;
  /** `error.message`; credentials in it (URLs, `Authorization`, `password=`, tokens) are redacted. */
  readonly details: string;
  readonly summary?: string;
}

/** The emitter returned by {@link createAuditEmitter}. No method throws into the caller (but see `throwOnInvalid`). */
export interface AuditEmitter {
  activity(event: ActivityEvent): void;
  access(event: AccessEvent): void;
  webhookFailure(event: WebhookFailureEvent): void;
  integrationFailure(event: IntegrationFailureEvent): void;
  /** Delivers everything queued so far. */
  flush(): Promise<void>;
  /** Delivers what is queued and stops; safe to call more than once. */
  shutdown(): Promise<void>;
  stats(): AuditEmitterStats;
}
