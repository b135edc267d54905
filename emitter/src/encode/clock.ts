import type { HrTime } from '@opentelemetry/api';

// Anchor the monotonic clock to the wall clock once, so every event gets a nanosecond timestamp
// (Date.now() alone gives milliseconds, and many events share one millisecond). process.hrtime's
// [seconds, nanoseconds] form avoids BigInt arithmetic on every call.
const anchorMs = Date.now();
const anchorSeconds = Math.floor(anchorMs / 1000);
const anchorNanos = (anchorMs - anchorSeconds * 1000) * 1_000_000;
const anchorMono = process.hrtime();

/** Now as [seconds, nanoseconds] since the epoch, with nanosecond resolution. */
export function nowHrTime(): HrTime {
  const [ds, dn] = process.hrtime(anchorMono);
  const nanos = anchorNanos + dn;
  return nanos >= 1_000_000_000
    ? [anchorSeconds + ds + 1, nanos - 1_000_000_000]
    : [anchorSeconds + ds, nanos];
}

/** A Date as [seconds, nanoseconds] since the epoch. */
export function dateToHrTime(date: Date): HrTime {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return [seconds, (ms - seconds * 1000) * 1_000_000];
}
