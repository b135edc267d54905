import { DataFrameType, FieldType, type DataFrame } from '@grafana/data';
import type { AuditRow, LogType } from '@auditlens/contract';

/** What a rows frame carries beside its fields. */
interface RowsMeta {
  readonly logType: LogType;
  /** Cursor of the next (older) page; null when there is none. */
  readonly nextCursor: string | null;
}

/**
 * Events as a frame of Grafana's logs data plane (`timestamp`, `body`, `id`, `labels`), the shape Loki's data
 * source answers, so Grafana's own logs panel could show it too. `labels` holds each event's structured metadata.
 */
export function rowsFrame(logType: LogType, rows: readonly AuditRow[], nextCursor: string | null): DataFrame {
  const meta: RowsMeta = { logType, nextCursor };
  return {
    refId: 'rows',
    meta: { type: DataFrameType.LogLines, custom: { ...meta } },
    length: rows.length,
    fields: [
      { name: 'timestamp', type: FieldType.time, config: {}, values: rows.map((r) => Date.parse(r.time)) },
      { name: 'body', type: FieldType.string, config: {}, values: rows.map((r) => r.summary) },
      { name: 'id', type: FieldType.string, config: {}, values: rows.map((r) => r.id) },
      { name: 'labels', type: FieldType.other, config: {}, values: rows.map((r) => r.fields) },
      { name: 'tsNs', type: FieldType.string, config: {}, values: rows.map((r) => r.timestamp) },
    ],
  };
}

/** The events of a rows frame, back in the API's shape. */
export function rowsOf(frame: DataFrame | undefined): AuditRow[] {
  if (!frame) return [];
  const meta = frame.meta?.custom as RowsMeta | undefined;
  const column = (name: string): unknown[] => frame.fields.find((f) => f.name === name)?.values ?? [];
  const [ms, body, id, labels, ns] = ['timestamp', 'body', 'id', 'labels', 'tsNs'].map(column);
  const rows: AuditRow[] = [];
  for (let i = 0; i < frame.length; i++)
    rows.push({
      id: String(id![i]),
      timestamp: String(ns![i]),
      time: new Date(Number(ms![i])).toISOString(),
      logType: meta!.logType,
      summary: String(body![i]),
      fields: labels![i] as Readonly<Record<string, string>>,
    });
  return rows;
}

/** The cursor of the page after this frame's rows, or null. */
export function nextCursorOf(frame: DataFrame | undefined): string | null {
  return (frame?.meta?.custom as RowsMeta | undefined)?.nextCursor ?? null;
}
