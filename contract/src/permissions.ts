import { LOG_TYPES, LOG_TYPE_SLUGS, type LogType } from './logTypes';

/** Grafana app plugin id. */
export const PLUGIN_ID = 'auditlens-auditlogs-app';

/** RBAC action that lets a user read one log type ("View audit logs"). */
export function readAction(logType: LogType): string {
  return `${PLUGIN_ID}.${LOG_TYPE_SLUGS[logType]}:read`;
}

/** RBAC action that lets a user export ("View and Export audit logs"). */
export const EXPORT_ACTION = `${PLUGIN_ID}.exports:create`;

/**
 * Plugin-proxy route paths (plugin.json `routes[].path`), relative to `/api/plugin-proxy/<plugin-id>/`.
 * Grafana matches a request against each route's path as a `web.Tree` pattern, in plugin.json order, and
 * the first match wins: a static path matches only itself, and a trailing `*` matches one or more further
 * segments, which Grafana appends to the route's URL. So every parent path has a `/*` sibling carrying
 * the same `reqAction`, or its sub-paths (`logs/<slug>/facets`, `exports/<id>/file`, ...) answer 404.
 * - `logs/<slug>`, `logs/<slug>/*` (reqAction: read of that type) → `/api/v1/logs/<slug>[/...]`
 * - `exports`, `exports/*` (reqAction: exports:create) → `/api/v1/exports[/...]`
 * - `health` (reqAction `plugins:write`, for the config page's connection test) → `/api/v1/health`
 */
export const PROXY_ROUTES = {
  logs: (logType: LogType): string => `logs/${LOG_TYPE_SLUGS[logType]}`,
  logsSubPaths: (logType: LogType): string => `logs/${LOG_TYPE_SLUGS[logType]}/*`,
  exports: 'exports',
  exportsSubPaths: 'exports/*',
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

/** One plugin-proxy route as plugin.json declares it (its URL is `{{ .JsonData.exportServiceUrl }}` + servicePath). */
export interface ProxyRouteSpec {
  /** `routes[].path`, a Grafana `web.Tree` pattern (see {@link PROXY_ROUTES}). */
  readonly path: string;
  /** `routes[].method`: `*` for any. */
  readonly method: '*' | 'GET' | 'POST';
  /** `routes[].reqAction`, checked by Grafana before it forwards. */
  readonly reqAction: string;
  /** Path on the export service the route forwards to; a `*` route appends the rest of the request path. */
  readonly servicePath: string;
}

/** Every route of plugin.json, in the order Grafana must try them (the first match wins). */
export const PROXY_ROUTE_TABLE: readonly ProxyRouteSpec[] = [
  ...LOG_TYPES.flatMap((logType): ProxyRouteSpec[] => {
    const servicePath = `/api/v1/logs/${LOG_TYPE_SLUGS[logType]}`;
    const reqAction = readAction(logType);
    return [
      { path: PROXY_ROUTES.logs(logType), method: '*', reqAction, servicePath },
      { path: PROXY_ROUTES.logsSubPaths(logType), method: '*', reqAction, servicePath },
    ];
  }),
  { path: PROXY_ROUTES.exports, method: '*', reqAction: EXPORT_ACTION, servicePath: '/api/v1/exports' },
  {
    path: PROXY_ROUTES.exportsSubPaths,
    method: '*',
    reqAction: EXPORT_ACTION,
    servicePath: '/api/v1/exports',
  },
  {
    path: PROXY_ROUTES.health,
    method: 'GET',
    reqAction: CORE_ACTIONS.settingsWrite,
    servicePath: '/api/v1/health',
  },
];
