// Time-zone formatting of export timestamps: the wall-clock time of an instant in the requester's zone, as text
// (CSV) or as a zone-less date (XLSX), fast enough for millions of rows.
import { LRUCache } from 'lru-cache';

/** The wall-clock time of `date` in `timeZone` as `YYYY-MM-DD HH:mm:ss.SSS`. */
export function formatInZone(date: Date, timeZone: string): string {
  return zoneClock(timeZone).local(date.getTime());
}

/**
 * A Date whose UTC fields are the wall-clock time of `date` in `timeZone`: what a spreadsheet, which has
 * no time zones, shows as that local time.
 */
export function wallClockDate(date: Date, timeZone: string): Date {
  return new Date(zoneClock(timeZone).wallClockMs(date.getTime()));
}

/** Formats instants (ms since the epoch) of one time zone; built for millions of calls in a row. */
export interface ZoneClock {
  /** The wall-clock time in the zone as `YYYY-MM-DD HH:mm:ss.SSS`. */
  local(ms: number): string;
  /** The UTC time as `Date#toISOString` gives it. */
  utc(ms: number): string;
  /** ms since the epoch whose UTC fields are the wall-clock time in the zone. */
  wallClockMs(ms: number): number;
}

// Zone offsets change only at quarter-hour boundaries, so one Intl lookup serves a whole quarter hour:
// exports format millions of timestamps, and Intl.DateTimeFormat#formatToParts is the slow part.
const QUARTER_HOUR = 15 * 60_000;
const MINUTE = 60_000;
/**
 * Clocks (and Intl formatters) kept, the least recently used dropped first. Zones come from requests (an export's
 * `timezone`), and Intl takes endless spellings of them (`europe/BERLIN`, `+05:30`): without a bound, each new
 * spelling would stay for the life of the process. The default value is 64.
 */
export const ZONE_CLOCKS_KEPT = 64;
const clocks = new LRUCache<string, ZoneClock>({ max: ZONE_CLOCKS_KEPT });
const formatters = new LRUCache<string, Intl.DateTimeFormat>({ max: ZONE_CLOCKS_KEPT });
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Clocks and formatters held now (at most {@link ZONE_CLOCKS_KEPT} each), for tests and diagnostics. */
export function heldZoneClocks(): { readonly clocks: number; readonly formatters: number } {
  return { clocks: clocks.size, formatters: formatters.size };
}

/** The shared clock of `timeZone`. */
export function zoneClock(timeZone: string): ZoneClock {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = createZoneClock(timeZone);
    clocks.set(timeZone, clock);
  }
  return clock;
}

function createZoneClock(timeZone: string): ZoneClock {
  const offsets = new Map<number, number>();
  let lastBucket = NaN;
  let lastOffset = 0;
  const offsetMs = (ms: number): number => {
    const bucket = Math.floor(ms / QUARTER_HOUR);
    if (bucket === lastBucket) return lastOffset;
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      const at = new Date(bucket * QUARTER_HOUR);
      const p = zoneParts(at, timeZone);
      offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at.getTime();
      if (offsets.size > 10_000) offsets.clear();
      offsets.set(bucket, offset);
    }
    lastBucket = bucket;
    lastOffset = offset;
    return offset;
  };
  // Timestamps come in order, many to a minute: the text up to the minute is made once per minute.
  const minutePrefix = (separator: string) => {
    let lastMinute = NaN;
    let lastPrefix = '';
    return (ms: number): string | undefined => {
      const minute = Math.floor(ms / MINUTE);
      if (minute !== lastMinute) {
        const iso = new Date(minute * MINUTE).toISOString();
        // Years past 9999 (or before 0) have a longer ISO form: those take the plain path.
        if (iso.length !== 24) return undefined;
        lastMinute = minute;
        lastPrefix = iso.slice(0, 10) + separator + iso.slice(11, 17);
      }
      return lastPrefix;
    };
  };
  const secondsAndMs = (ms: number): string => {
    const inMinute = ms - Math.floor(ms / MINUTE) * MINUTE;
    const seconds = Math.floor(inMinute / 1000);
    return `${TWO_DIGITS[seconds]!}.${THREE_DIGITS[inMinute - seconds * 1000]!}`;
  };
  const localPrefix = minutePrefix(' ');
  const utcPrefix = minutePrefix('T');
  return {
    wallClockMs: (ms) => ms + offsetMs(ms),
    local(ms) {
      const wall = ms + offsetMs(ms);
      const prefix = localPrefix(wall);
      if (prefix === undefined) return new Date(wall).toISOString().slice(0, 23).replace('T', ' ');
      return prefix + secondsAndMs(wall);
    },
    utc(ms) {
      const prefix = utcPrefix(ms);
      if (prefix === undefined) return new Date(ms).toISOString();
      return `${prefix}${secondsAndMs(ms)}Z`;
    },
  };
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
