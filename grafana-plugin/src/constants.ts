import { APP_BASE_PATH, APP_PAGES, LOG_TYPES, PLUGIN_ID, type LogType } from '@auditlens/contract';

/** In-app routes, relative to the app's base path. */
export const ROUTES = {
  overview: APP_PAGES.overview,
  logType: (logType: LogType): string => APP_PAGES.logType(logType),
  exports: APP_PAGES.exports,
  /** How events get into AuditLens; linked from empty pages and the configuration page. */
  gettingStarted: 'getting-started',
} as const;

/** An absolute in-Grafana path of an app page. */
export function prefixRoute(route: string): string {
  return `${APP_BASE_PATH}/${route}`;
}

/** Query key of a log page that opens one event's details (with a range around it): `?event=<event id>`. */
export const EVENT_PARAM = 'event';

/** Base URL of the app's plugin-proxy routes. */
export const PROXY_BASE = `/api/plugin-proxy/${PLUGIN_ID}`;

/** Log types in the order the app lists them. */
export const ORDERED_LOG_TYPES: readonly LogType[] = LOG_TYPES;

/** Labels of AuditLens's alert rules (`provisioning/ops/alert-rule-group.json`); the overview lists them. */
export const ALERT_SOURCE_LABELS: Readonly<Record<string, string>> = { source: 'auditlens' };

/** The app's settings (`jsonData`); the shared secret is in `secureJsonData` and never reaches the browser. */
export interface AppSettings {
  /** Base URL of the export service as Grafana's server reaches it. */
  readonly exportServiceUrl?: string;
}
