import type { HrTime } from '@opentelemetry/api';

// Anchor the monotonic nanosecond clock to the wall clock once, so every event gets a nanosecond
// timestamp (Date.now() alone gives milliseconds, and many events share one millisecond).
const anchorWallNs = BigInt(Date.now()) * 1_000_000n;
const anchorMonoNs = process.hrtime.bigint();

/** Now as [seconds, nanoseconds] since the epoch, with nanosecond resolution. */
export function nowHrTime(): HrTime {
  const ns = anchorWallNs + (process.hrtime.bigint() - anchorMonoNs);
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

/** A Date as [seconds, nanoseconds] since the epoch. */
export function dateToHrTime(date: Date): HrTime {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return [seconds, (ms - seconds * 1000) * 1_000_000];
}
