import { ATTR, lokiFieldName, type LogType } from '@auditlens/contract';
import type { LokiEntry } from '../loki/types';

/** One column of an export: its header, width (characters) and cell value. */
export interface Column {
  readonly header: string;
  readonly width: number;
  readonly value: (e: LokiEntry) => string | number | undefined;
}

const md = (attribute: string) => {
  const name = lokiFieldName(attribute);
  return (e: LokiEntry): string | undefined => e.metadata[name];
};
const col = (header: string, width: number, attribute: string): Column => ({
  header,
  width,
  value: md(attribute),
});
const summary: Column = { header: 'Summary', width: 60, value: (e) => e.line };
const eventId = col('Event ID', 38, ATTR.eventId);
const brand = col('Brand', 14, ATTR.brand);

/** Columns of each log type after the two time columns, following the seed products' exports. */
export const COLUMNS: Readonly<Record<LogType, readonly Column[]>> = {
  activity: [
    col('Actor', 18, ATTR.userName),
    col('Email', 26, ATTR.userEmail),
    col('IP address', 16, ATTR.clientAddress),
    col('Category', 22, ATTR.category),
    col('Action type', 12, ATTR.action),
    col('Target type', 16, ATTR.targetType),
    col('Target ID', 14, ATTR.targetId),
    col('Target', 24, ATTR.targetName),
    summary,
    col('Changes', 60, ATTR.changes),
    brand,
    col('Outcome', 10, ATTR.outcome),
    eventId,
  ],
  access: [
    col('Username', 18, ATTR.userName),
    col('Email', 26, ATTR.userEmail),
    col('IP address', 16, ATTR.clientAddress),
    col('Action', 20, ATTR.action),
    brand,
    col('Portal', 10, ATTR.portal),
    col('Login source', 14, ATTR.loginSource),
    col('User agent', 40, ATTR.userAgent),
    col('Impersonator', 18, ATTR.impersonatorName),
    col('Outcome', 10, ATTR.outcome),
    summary,
    eventId,
  ],
  webhook_failure: [
    col('Webhook', 26, ATTR.webhookName),
    col('URL', 48, ATTR.urlFull),
    col('Method', 8, ATTR.httpMethod),
    { header: 'HTTP status', width: 11, value: (e) => numberOrText(md(ATTR.httpStatus)(e)) },
    col('Error', 40, ATTR.errorMessage),
    { header: 'Attempt', width: 8, value: (e) => numberOrText(md(ATTR.attempt)(e)) },
    brand,
    summary,
    eventId,
  ],
  integration_failure: [
    col('Integration', 20, ATTR.integrationName),
    col('Integration type', 16, ATTR.integrationType),
    col('Failure type', 18, ATTR.failureType),
    col('Details', 50, ATTR.errorMessage),
    brand,
    summary,
    eventId,
  ],
};

function numberOrText(v: string | undefined): string | number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : v;
}

/** The wall-clock time of `date` in `timeZone` as `YYYY-MM-DD HH:mm:ss.SSS`. */
export function formatInZone(date: Date, timeZone: string): string {
  return wallClockDate(date, timeZone).toISOString().slice(0, 23).replace('T', ' ');
}

/**
 * A Date whose UTC fields are the wall-clock time of `date` in `timeZone`: what a spreadsheet, which has
 * no time zones, shows as that local time.
 */
export function wallClockDate(date: Date, timeZone: string): Date {
  return new Date(date.getTime() + zoneOffsetMs(date, timeZone));
}

// Zone offsets change only at quarter-hour boundaries, so one Intl lookup serves a whole quarter hour:
// exports format millions of timestamps, and Intl.DateTimeFormat#formatToParts is the slow part.
const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();
const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneOffsetMs(date: Date, timeZone: string): number {
  const bucket = Math.floor(date.getTime() / QUARTER_HOUR);
  const key = `${timeZone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const at = new Date(bucket * QUARTER_HOUR);
    const p = zoneParts(at, timeZone);
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at.getTime();
    if (offsets.size > 10_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function zoneParts(date: Date, timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of f.formatToParts(date)) {
    if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
  }
  return out;
}

/** True when `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
