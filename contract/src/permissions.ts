import { LOG_TYPE_SLUGS, type LogType } from './logTypes';

/** Grafana app plugin id. */
export const PLUGIN_ID = 'auditlens-auditlogs-app';

/** RBAC action that lets a user read one log type ("View audit logs"). */
export function readAction(logType: LogType): string {
  return `${PLUGIN_ID}.${LOG_TYPE_SLUGS[logType]}:read`;
}

/** RBAC action that lets a user export ("View and Export audit logs"). */
export const EXPORT_ACTION = `${PLUGIN_ID}.exports:create`;

/**
 * Plugin-proxy route paths (plugin.json `routes[].path`), relative to
 * `/api/plugin-proxy/<plugin-id>/`. Each is forwarded to the export service path beside it.
 * - `logs/<slug>` (reqAction: read of that type) → `/api/v1/logs/<slug>`
 * - `exports` (reqAction: exports:create) → `/api/v1/exports`
 * - `health` (reqAction `plugins:write`, for the config page's connection test) → `/api/v1/health`
 */
export const PROXY_ROUTES = {
  logs: (logType: LogType): string => `logs/${LOG_TYPE_SLUGS[logType]}`,
  exports: 'exports',
  health: 'health',
} as const;

/**
 * Grafana core actions the plugin uses, always evaluated on this plugin's scope (`plugins:id:<id>`):
 * opening the app at all (every role has it once the app is enabled), and changing its settings (Admin).
 */
export const CORE_ACTIONS = {
  appAccess: 'plugins.app:access',
  settingsWrite: 'plugins:write',
} as const;

/** Header carrying the shared secret Grafana injects from the app's secureJsonData. */
export const SECRET_HEADER = 'X-AuditLens-Secret';

/** Header Grafana's proxy sets with the signed-in user's login (`[dataproxy] send_user_header`). */
export const GRAFANA_USER_HEADER = 'X-Grafana-User';

/** Header carrying Grafana's signed ID token (`idForwarding` feature toggle). */
export const GRAFANA_ID_TOKEN_HEADER = 'X-Grafana-Id';
