import { FILTER_FIELDS } from '@auditlens/contract';
import type { GrafanaAlert } from '../../api/alerting';
import { pageLink } from './pageLink';

/** How far back an alert's link looks before the alert fired: the rules count failures over 5 minutes. */
export const ALERT_LOOKBACK_MS = 5 * 60_000;

/** The filters an alert stands for: its labels that are access-log fields (`user_name`, `client_address`). */
export function alertFilters(alert: GrafanaAlert): Record<string, string> {
  const filters: Record<string, string> = { action: 'login_failed' };
  for (const field of FILTER_FIELDS.access) {
    const value = alert.labels[field.lokiField];
    if (value) filters[field.key] = value;
  }
  return filters;
}

/** The access log's failed logins behind an alert, from shortly before it fired until now. */
export function alertLink(alert: GrafanaAlert): string {
  const activeAt = Date.parse(alert.activeAt);
  const from = Number.isNaN(activeAt) ? 'now-1h' : String(activeAt - ALERT_LOOKBACK_MS);
  return pageLink('access', { from, to: 'now' }, alertFilters(alert));
}
