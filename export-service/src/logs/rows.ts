import type { AuditRow, LogType } from '@auditlens/contract';
import type { LokiEntry } from '../loki/types';

// Loki's own bookkeeping fields say nothing about the event.
const HIDDEN = new Set([
  'observed_timestamp',
  'scope_name',
  'scope_version',
  'detected_level',
  'severity_number',
]);

/** A Loki entry as the API's AuditRow. */
export function toAuditRow(e: LokiEntry, logType: LogType): AuditRow {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.metadata)) if (!HIDDEN.has(k)) fields[k] = v;
  if (e.labels['service_name']) fields['service_name'] = e.labels['service_name'];
  return {
    id: e.metadata['audit_event_id'] ?? `${e.ts}`,
    timestamp: String(e.ts),
    time: new Date(Number(e.ts / 1_000_000n)).toISOString(),
    logType,
    summary: e.line,
    fields,
  };
}
