import type { SettledBatch } from '../../follower/settled-batch';
import { ACTION_FIELD, ALL_ACTIONS, countedFields, fieldValue, manyValued } from './counted-fields';

const MINUTE_NS = 60_000_000_000n;

/**
 * The events of one minute (minutes since the epoch) with one value of a field and one action: `n` in
 * [minute, minute + 1), `atStart` of them at exactly the minute's first nanosecond (a chart point at t counts
 * (t - step, t], so the events exactly on a boundary are kept apart to answer Loki's points exactly).
 */
export interface CountRow {
  readonly period: number;
  readonly field: string;
  readonly action: string;
  readonly value: string;
  readonly n: number;
  readonly atStart: number;
}

/** What one batch adds: its rows per minute, and the number of events of every minute it covers (0 included). */
export interface MinuteCounts {
  /** First minute of the batch (inclusive), minutes since the epoch. */
  readonly fromMinute: number;
  /** Last minute of the batch (exclusive). */
  readonly toMinute: number;
  readonly rows: readonly CountRow[];
  readonly events: ReadonlyMap<number, number>;
}

/** Minutes since the epoch of a time in ns (rounded down). */
export function minuteOf(ns: bigint): number {
  return Number((ns - (((ns % MINUTE_NS) + MINUTE_NS) % MINUTE_NS)) / MINUTE_NS);
}

/**
 * The per-minute counts of a batch: for each event, one count per counted field of its log type, and for a field
 * of many values one more under {@link ALL_ACTIONS}.
 */
export function countMinutes(batch: SettledBatch): MinuteCounts {
  const fields = countedFields(batch.logType);
  const fromMinute = minuteOf(batch.fromNs);
  const toMinute = minuteOf(batch.toNs);
  const events = new Map<number, number>();
  for (let m = fromMinute; m < toMinute; m++) events.set(m, 0);
  const cells = new Map<
    string,
    { period: number; field: string; action: string; value: string; n: number; atStart: number }
  >();
  const count = (minute: number, field: string, action: string, value: string, onBoundary: number) => {
    const key = `${minute}\u0000${field}\u0000${action}\u0000${value}`;
    const cell = cells.get(key);
    if (cell) {
      cell.n++;
      cell.atStart += onBoundary;
    } else cells.set(key, { period: minute, field, action, value, n: 1, atStart: onBoundary });
  };
  const alsoOverAll = fields.map(manyValued);
  for (const e of batch.entries) {
    // The follower's batch holds [fromNs, toNs) only; anything else would be counted twice.
    if (e.ts < batch.fromNs || e.ts >= batch.toNs) continue;
    const minute = minuteOf(e.ts);
    const onBoundary = e.ts % MINUTE_NS === 0n ? 1 : 0;
    events.set(minute, (events.get(minute) ?? 0) + 1);
    const action = fieldValue(e, ACTION_FIELD);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      const value = fieldValue(e, field);
      count(minute, field, action, value, onBoundary);
      if (alsoOverAll[i]) count(minute, field, ALL_ACTIONS, value, onBoundary);
    }
  }
  return { fromMinute, toMinute, rows: [...cells.values()], events };
}
