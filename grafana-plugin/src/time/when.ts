import { dateTimeFormat, type TimeZone } from '@grafana/data';

/** An event time in the viewer's Grafana time zone, to the millisecond (audit events come in bursts). */
export function formatWhen(time: string | number, timeZone: TimeZone): string {
  return dateTimeFormat(time, { timeZone, format: 'YYYY-MM-DD HH:mm:ss.SSS' });
}

/** The IANA zone an export is written in: Grafana's `browser`/empty mean the browser's own zone. */
export function ianaTimeZone(timeZone: TimeZone): string {
  if (!timeZone || timeZone === 'browser') return Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (timeZone.toLowerCase() === 'utc') return 'UTC';
  return timeZone;
}

const STEPS_SECONDS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400];

/** A chart step giving at most about 60 bars over the range. */
export function chartStep(fromMs: number, toMs: number): number {
  const wanted = (toMs - fromMs) / 1000 / 60;
  return STEPS_SECONDS.find((s) => s >= wanted) ?? STEPS_SECONDS[STEPS_SECONDS.length - 1]!;
}
