import { z } from 'zod';
import { FILTER_FIELDS, LOG_TYPES, TEXT_FILTER_KEY, type LogType } from '@auditlens/contract';

/** Longest filter value accepted, in characters. */
export const MAX_FILTER_VALUE_LENGTH = 512;

/** The filters of one log type: its filter fields and the free text, as strings; empty values are dropped. */
function filtersOf(logType: LogType) {
  const known = new Set([...FILTER_FIELDS[logType].map((f) => f.key), TEXT_FILTER_KEY]);
  const allowed = [...known].join(', ');
  return z.record(z.string(), z.unknown()).transform((filters, ctx) => {
    const clean: Record<string, string> = {};
    for (const [key, value] of Object.entries(filters)) {
      const problem = !known.has(key)
        ? `not a filter of ${logType} logs (allowed: ${allowed})`
        : typeof value !== 'string'
          ? 'must be a string'
          : value.length > MAX_FILTER_VALUE_LENGTH
            ? `must be at most ${MAX_FILTER_VALUE_LENGTH} characters`
            : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
      else if (value !== '') clean[key] = value as string;
    }
    return clean;
  });
}

/** The filters each log type accepts, for {@link parseInput}: unknown keys and bad values are named. */
export const FILTERS = Object.fromEntries(LOG_TYPES.map((t) => [t, filtersOf(t)])) as Readonly<
  Record<LogType, ReturnType<typeof filtersOf>>
>;
