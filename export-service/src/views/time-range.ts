import { z } from 'zod';
import { InvalidInputError, type FieldIssue } from '../domain-errors';

const MAX_LOKI_MS = Number(2n ** 63n / 1_000_000n);

/** A time given as ms since the epoch or ISO 8601, as a Date. */
export const timeInput = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = typeof v === 'number' || /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be ms since the epoch or an ISO 8601 time' });
    return z.NEVER;
  }
  // Loki's timestamps are int64 nanoseconds: 1970 (as used here) to 2262.
  if (ms < 0 || ms > MAX_LOKI_MS) {
    ctx.addIssue({ code: 'custom', message: 'must be between 1970 and 2262' });
    return z.NEVER;
  }
  return new Date(ms);
});

/** A checked [from, to) range in ns. */
export interface NsRange {
  readonly from: Date;
  readonly to: Date;
  readonly start: bigint;
  readonly end: bigint;
}

/** Checks from < to and the span limit; defaults to the last 24 hours. */
export function checkRange(
  from: Date | undefined,
  to: Date | undefined,
  maxDays: number,
  now = new Date()
): NsRange {
  const end = to ?? now;
  const start = from ?? new Date(end.getTime() - 24 * 3600_000);
  const issues: FieldIssue[] = [];
  if (start.getTime() >= end.getTime()) issues.push({ field: 'from', message: 'must be before to' });
  if (end.getTime() - start.getTime() > maxDays * 86_400_000)
    issues.push({ field: 'to', message: `the range may span at most ${maxDays} days` });
  if (issues.length) throw new InvalidInputError('invalid time range', issues);
  return {
    from: start,
    to: end,
    start: BigInt(start.getTime()) * 1_000_000n,
    end: BigInt(end.getTime()) * 1_000_000n,
  };
}
