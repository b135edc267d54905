export { createAuditEmitter } from './emitter';
export type {
  AuditEmitter,
  AuditEmitterOptions,
  AuditEmitterError,
  AuditEmitterErrorKind,
  AuditEmitterStats,
  Actor,
  Target,
  CommonFields,
  ActivityEvent,
  AccessEvent,
  WebhookFailureEvent,
  IntegrationFailureEvent,
  IntegrityOptions,
  CheckpointSigningKey,
} from './types';
export { AuditValidationError } from './validate/AuditValidationError';
export type { ValidationIssue } from './validate/AuditValidationError';
export { InMemoryAuditExporter } from './export/InMemoryAuditExporter';
export type { CapturedAuditRecord } from './export/InMemoryAuditExporter';
export { LogTypeResourceExporter } from './export/LogTypeResourceExporter';
export { RequestSizeLimitExporter } from './export/RequestSizeLimitExporter';
export { requestContext } from './request/request-context';
export type { RequestContext } from './request/request-context';
export { redactUrl } from './redact/url';
export { redactChanges } from './redact/changes';
export { redactText } from './redact/text';
export { EMITTER_NAME, EMITTER_VERSION } from './version';
export { DemoTraffic } from './demo/generator';
export type { DemoCall } from './demo/generator';
