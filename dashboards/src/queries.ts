import {
  ATTR,
  FILTER_FIELDS,
  LOG_TYPE_LABEL,
  SERVICE_NAME_ATTR,
  lokiFieldName,
  type AccessAction,
  type LogType,
} from '@auditlens/contract';
import { SEARCH_VARIABLE, SERVICE_VARIABLE } from './variables';

// LogQL of the dashboards, built only from the contract's names so that it cannot drift from what the emitter
// sends (test/stack.test.ts parses every query with Grafana's grammar and checks each name it uses).

/** Range queries count per `$__auto` step (Grafana picks it from the time range and panel width). */
export const STEP_WINDOW = '$__auto';
/** Instant queries count over the whole dashboard time range. */
export const RANGE_WINDOW = '$__range';

const SERVICE_LABEL = lokiFieldName(SERVICE_NAME_ATTR);
/** The access action of a failed login. */
export const LOGIN_FAILED: AccessAction = 'login_failed';

/** The streams of one log type from the services picked in `$service`. */
export function streamSelector(logType: LogType): string {
  return `{${SERVICE_LABEL}=~"$${SERVICE_VARIABLE}", ${LOG_TYPE_LABEL}="${logType}"}`;
}

/** A log type's events narrowed by the dashboard's text boxes (one per filter of the app's page) and search. */
export function filteredEvents(logType: LogType): string {
  const filters = FILTER_FIELDS[logType].map((f) => ` | ${f.lokiField}=~"$${f.key}"`).join('');
  return `${streamSelector(logType)}${filters} |~ "(?i)$${SEARCH_VARIABLE}"`;
}

/** Failed logins, in the agent and the customer portal alike. */
export function failedLogins(): string {
  return `${streamSelector('access')} | ${lokiFieldName(ATTR.action)}="${LOGIN_FAILED}"`;
}

/** Number of `events` per value of `field` in each `window`. */
export function countBy(field: string, events: string, window: string): string {
  return `sum by (${field}) (count_over_time(${events} [${window}]))`;
}

/** The `n` values of `field` with the most `events` over the dashboard time range. */
export function topBy(field: string, events: string, n = 10): string {
  return `topk(${n}, ${countBy(field, events, RANGE_WINDOW)})`;
}

/** Number of `events` over the dashboard time range. */
export function total(events: string): string {
  return `sum(count_over_time(${events} [${RANGE_WINDOW}]))`;
}
