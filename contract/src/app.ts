import { PLUGIN_ID } from './permissions';
import { LOG_TYPE_SLUGS, type LogType } from './logTypes';

/** Keys of the app plugin's settings (`jsonData`), set on the config page or by provisioning. */
export const APP_JSON_DATA = {
  /** Base URL of the export service as Grafana's server reaches it, e.g. `http://export-service:8080`. */
  exportServiceUrl: 'exportServiceUrl',
} as const;

/** Keys of the app plugin's `secureJsonData` (write-only, injected into proxy requests by Grafana). */
export const APP_SECURE_JSON_DATA = {
  /** Shared secret sent as `X-AuditLens-Secret`; must equal the service's `AUDITLENS_SHARED_SECRET`. */
  sharedSecret: 'sharedSecret',
} as const;

/** Base path of the app's pages in Grafana. */
export const APP_BASE_PATH = `/a/${PLUGIN_ID}`;

/**
 * Page paths under {@link APP_BASE_PATH}. A log type's page takes its filters in the URL:
 * `from`/`to` (Grafana time range), the filter keys of FILTER_FIELDS, and `q`.
 */
export const APP_PAGES = {
  overview: 'overview',
  logType: (logType: LogType): string => LOG_TYPE_SLUGS[logType],
  exports: 'exports',
} as const;

/** Absolute in-Grafana URL path of a log type's page with the given filters, for links from alerts and mails. */
export function logTypePageUrl(logType: LogType, params: Readonly<Record<string, string>> = {}): string {
  const query = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `${APP_BASE_PATH}/${APP_PAGES.logType(logType)}${query ? `?${query}` : ''}`;
}
