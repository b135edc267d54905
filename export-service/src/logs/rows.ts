import { ATTR, lokiFieldName, SERVICE_NAME_ATTR, type AuditRow, type LogType } from '@auditlens/contract';
import type { LokiEntry } from '../loki/types';

// Loki's own bookkeeping fields say nothing about the event.
const HIDDEN = new Set([
  'observed_timestamp',
  'scope_name',
  'scope_version',
  'detected_level',
  'severity_number',
]);

const SERVICE_NAME = lokiFieldName(SERVICE_NAME_ATTR);
const EVENT_ID = lokiFieldName(ATTR.eventId);

/** A Loki entry as the API's AuditRow. */
export function toAuditRow(e: LokiEntry, logType: LogType): AuditRow {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.metadata)) if (!HIDDEN.has(k)) fields[k] = v;
  const service = e.labels[SERVICE_NAME];
  if (service) fields[SERVICE_NAME] = service;
  return {
    id: e.metadata[EVENT_ID] ?? `${e.ts}`,
    timestamp: String(e.ts),
    time: new Date(Number(e.ts / 1_000_000n)).toISOString(),
    logType,
    summary: e.line,
    fields,
  };
}
