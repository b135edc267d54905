/** The four kinds of audit log AuditLens records. */
export const LOG_TYPES = ['activity', 'access', 'webhook_failure', 'integration_failure'] as const;

/** One of {@link LOG_TYPES}; the value of the `audit.log_type` resource attribute and Loki label. */
export type LogType = (typeof LOG_TYPES)[number];

/** URL path segment of each log type, used by the plugin's pages, proxy routes and the service's routes. */
export const LOG_TYPE_SLUGS: Readonly<Record<LogType, string>> = {
  activity: 'activity',
  access: 'access',
  webhook_failure: 'webhook-failures',
  integration_failure: 'integration-failures',
};

/** Human title of each log type, as the seed products name them. */
export const LOG_TYPE_TITLES: Readonly<Record<LogType, string>> = {
  activity: 'Activity logs',
  access: 'Access logs',
  webhook_failure: 'Webhook failures',
  integration_failure: 'Integration failures',
};

/** True when `value` is one of the four log types. */
export function isLogType(value: unknown): value is LogType {
  return typeof value === 'string' && (LOG_TYPES as readonly string[]).includes(value);
}

/** The log type whose slug is `slug`, or undefined for an unknown slug. */
export function logTypeFromSlug(slug: string): LogType | undefined {
  return LOG_TYPES.find((t) => LOG_TYPE_SLUGS[t] === slug);
}

/** Allowed `audit.action` values for access events. */
export const ACCESS_ACTIONS = [
  'login',
  'logout',
  'login_failed',
  'impersonation_start',
  'impersonation_end',
] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

/** Allowed `audit.action` values (action type) for activity events. */
export const ACTIVITY_ACTIONS = ['create', 'update', 'delete', 'export'] as const;
export type ActivityAction = (typeof ACTIVITY_ACTIONS)[number];

/** Portals a user logs in to. */
export const PORTALS = ['agent', 'customer'] as const;
export type Portal = (typeof PORTALS)[number];

/** Values of `audit.outcome`. */
export const OUTCOMES = ['success', 'failure'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Category (module) of the activity event the export service records for each export. */
export const EXPORT_ACTIVITY_CATEGORY = 'Audit logs';
