/**
 * OpenTelemetry attribute names of an audit log record (DESIGN.md "Event encoding").
 * Semantic-convention names where one exists, `audit.*` otherwise.
 */
export const ATTR = {
  logType: 'audit.log_type',
  eventId: 'audit.event_id',
  category: 'audit.category',
  action: 'audit.action',
  outcome: 'audit.outcome',
  targetType: 'audit.target.type',
  targetId: 'audit.target.id',
  targetName: 'audit.target.name',
  changes: 'audit.changes',
  brand: 'audit.brand',
  portal: 'audit.portal',
  loginSource: 'audit.login_source',
  impersonatorId: 'audit.impersonator.id',
  impersonatorName: 'audit.impersonator.name',
  webhookName: 'audit.webhook.name',
  integrationName: 'audit.integration.name',
  integrationType: 'audit.integration.type',
  failureType: 'audit.failure_type',
  attempt: 'audit.attempt',
  userId: 'user.id',
  userName: 'user.name',
  userEmail: 'user.email',
  userRoles: 'user.roles',
  clientAddress: 'client.address',
  userAgent: 'user_agent.original',
  sessionId: 'session.id',
  urlFull: 'url.full',
  httpMethod: 'http.request.method',
  httpStatus: 'http.response.status_code',
  errorType: 'error.type',
  errorMessage: 'error.message',
} as const;

/** One of the attribute names in {@link ATTR}. */
export type AttributeName = (typeof ATTR)[keyof typeof ATTR];

/** Resource attribute naming the emitting service; Loki's `service_name` label. */
export const SERVICE_NAME_ATTR = 'service.name';

/** The record's OTLP `eventName` for a log type (Loki 3.7 drops it: never query on it). */
export function eventNameFor(logType: string): string {
  return `audit.${logType}`;
}

/** The name Loki gives an OTLP attribute: dots (and other non-identifier characters) become underscores. */
export function lokiFieldName(attribute: string): string {
  return attribute.replace(/[^A-Za-z0-9_]/g, '_');
}

/** Loki index labels of audit streams; everything else is structured metadata. Keep this list short. */
export const INDEX_LABELS = ['service_name', 'audit_log_type'] as const;

/** Loki label carrying the log type. */
export const LOG_TYPE_LABEL = 'audit_log_type';

/** Structured-metadata names Loki produces from the record attributes above. */
export const STRUCTURED_METADATA_FIELDS: readonly string[] = Object.values(ATTR)
  .filter((a) => a !== ATTR.logType)
  .map(lokiFieldName);

/** Structured metadata Loki adds by itself to every OTLP record. */
export const LOKI_ADDED_METADATA = [
  'detected_level',
  'observed_timestamp',
  'scope_name',
  'scope_version',
  'severity_number',
  'severity_text',
  'trace_id',
  'span_id',
  'flags',
] as const;

/** Resource attributes Loki 3.x makes index labels by default (`default_resource_attributes_as_index_labels`). */
export const LOKI_DEFAULT_INDEXED_RESOURCE_ATTRIBUTES: readonly string[] = [
  'service.name',
  'service.namespace',
  'service.instance.id',
  'deployment.environment',
  'deployment.environment.name',
  'cloud.region',
  'cloud.availability_zone',
  'k8s.cluster.name',
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.container.name',
  'container.name',
  'k8s.replicaset.name',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.cronjob.name',
  'k8s.job.name',
];

/** Resource attributes AuditLens's Loki `otlp_config` adds as index labels. */
export const AUDITLENS_INDEXED_RESOURCE_ATTRIBUTES: readonly string[] = [ATTR.logType];
