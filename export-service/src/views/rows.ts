import {
  ATTR,
  LOKI_ADDED_METADATA,
  lokiFieldName,
  SERVICE_NAME_ATTR,
  type AuditRow,
  type LogType,
} from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';

// What Loki adds to every OTLP record says nothing about the event; exports leave it out too.
const HIDDEN: ReadonlySet<string> = new Set(LOKI_ADDED_METADATA);

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
