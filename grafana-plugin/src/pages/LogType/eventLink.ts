import { locationUtil } from '@grafana/data';
import { logTypePageUrl, type AuditRow } from '@auditlens/contract';
import { EVENT_PARAM } from '../../constants';

/**
 * A link that opens the event's page with its details: the time range is the event's millisecond, so the
 * event is on the first page of rows whatever else happened that day, and `event` opens its drawer.
 */
export function eventLink(row: AuditRow, origin: string = window.location.origin): string {
  const at = Date.parse(row.time);
  const path = logTypePageUrl(row.logType, { from: String(at), to: String(at + 1), [EVENT_PARAM]: row.id });
  return `${origin}${locationUtil.assureBaseUrl(path)}`;
}
