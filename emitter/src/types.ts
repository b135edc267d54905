import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { AccessAction, ActivityAction, Portal } from '@auditlens/contract';

/** Options of {@link createAuditEmitter}. */
export interface AuditEmitterOptions {
  /** Resource `service.name` of the emitting service, e.g. `helpdesk`. Required. */
  readonly serviceName: string;
  /**
   * OTLP/HTTP base URL: the collector (`http://localhost:4318`) or Loki's OTLP endpoint
   * (`http://loki:3100/otlp`). `/v1/logs` is appended. Required unless `exporter` is given.
   */
  readonly endpoint?: string;
  /** Extra HTTP headers, e.g. the collector's `Authorization` or Loki's `X-Scope-OrgID`. Default none. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra resource attributes (e.g. `deployment.environment.name`). Default none. */
  readonly resource?: Readonly<Record<string, string>>;
  /** Wire encoding of OTLP/HTTP. The default value is `json`. */
  readonly protocol?: 'json' | 'protobuf';
  /** Records held while the endpoint is slow or down; beyond this they are dropped and counted. The default value is 2048. */
  readonly maxQueueSize?: number;
  /** Records per OTLP request. The default value is 512. */
  readonly maxExportBatchSize?: number;
  /** Delay between two exports, in ms. The default value is 1000. */
  readonly scheduledDelayMillis?: number;
  /** Time one export (with the exporter's own retries) may take, in ms. The default value is 10000. */
  readonly exportTimeoutMillis?: number;
  /** Cap on the JSON of `changes`, in bytes; larger values are truncated. The default value is 16384. */
  readonly maxChangesBytes?: number;
  /** Cap on any other string attribute, in characters. The default value is 2048. */
  readonly maxAttributeLength?: number;
  /** Called for rejected input, dropped records and export failures. Never throws into the caller. Default: none. */
  readonly onError?: (error: AuditEmitterError) => void;
  /** Throw {@link AuditValidationError} on invalid input instead of reporting it (for tests). The default value is false. */
  readonly throwOnInvalid?: boolean;
  /** Replace the OTLP exporter (e.g. with `InMemoryAuditExporter` in tests). Default: OTLP/HTTP to `endpoint`. */
  readonly exporter?: LogRecordExporter;
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
  /** Records the endpoint accepted. */
  readonly exported: number;
  /** Records whose export finally failed. */
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
  /** Credentials and secret query parameters are redacted. */
  readonly url: string;
  readonly method?: string;
  readonly statusCode?: number;
  readonly error: string;
  readonly attempt?: number;
  readonly summary?: string;
}

/** A failed third-party integration. */
export interface IntegrationFailureEvent extends CommonFields {
  readonly integrationName: string;
  readonly integrationType: string;
  readonly failureType: string;
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
