import type { LogType } from '@auditlens/contract';
import type { CountRow, MinuteCounts } from './minute-counts';
import type { Kysely } from 'kysely';
import { COUNTS_LOCK_SPACE, advisoryLock, inWriteTransaction, type Database } from '../../store/database';
import type { CountsTables } from './counts-migrations';
import { ALL_ACTIONS, manyValued } from './counted-fields';

/**
 * Kept periods: minutes, ten minutes, UTC hours and UTC days, each named by its first minute since the epoch. Ten
 * minutes hold a field of many values (addresses) in about a third of the rows of their ten minutes.
 */
export type Grain = 'm' | 't' | 'h' | 'd';
/** Minutes in a period of each grain. */
export const GRAIN_MINUTES: Readonly<Record<Grain, number>> = { m: 1, t: 10, h: 60, d: 1440 };

/** [from, to) in minutes since the epoch, read at one grain (both ends multiples of it). */
export interface GrainSpan {
  readonly grain: Grain;
  readonly from: number;
  readonly to: number;
}

/** One value's events in one period (summed over actions unless one is asked for). */
export interface PeriodCount {
  readonly period: number;
  readonly value: string;
  readonly n: number;
  readonly atStart: number;
}

/** What the pages read of kept counts: a {@link CountsStore}, or `WorkerCountsReader` off the event loop. */
export type CountsReader = Pick<
  CountsStore,
  'keptMinutes' | 'keptMinutesIn' | 'valueCounts' | 'periodCounts'
>;

/** Rows per multi-row statement: 8 values each, well within both databases' limits on bound values. */
const CHUNK = 500;

type Counts = Kysely<CountsTables>;

/**
 * Counts of settled events per minute, hour and day, per log type, counted field, action and value, in the
 * service's database (tables of `COUNTS_MIGRATIONS`, SQLite or Postgres). A minute's rows are replaced as a whole
 * and the difference is added to its hour and day in the same transaction, so a batch delivered again (or again
 * with late events) changes only what differs. `kept_minutes` records which minutes are counted (with how many
 * events), so readers know what is kept.
 */
export class CountsStore {
  private readonly db: Counts;

  /** The store on an open database that has had `COUNTS_MIGRATIONS`; the database's owner closes it. */
  constructor(private readonly database: Database) {
    this.db = database.db.withTables<CountsTables>();
  }

  /**
   * Runs `work` in a write transaction that, on Postgres, holds the advisory lock `key` of the counts: two
   * replicas counting the same minutes (during a leader take-over) apply their changes one after the other.
   */
  private inTransaction<T>(key: string, work: (db: Counts) => Promise<T>): Promise<T> {
    return inWriteTransaction(this.database, async (trx) => {
      await advisoryLock(trx, this.database.dialect, COUNTS_LOCK_SPACE, key);
      return work(trx.withTables<CountsTables>());
    });
  }

  /** Replaces the counts of the batch's minutes by `counts`, rolling the difference into their ten minutes, hours and days. */
  async replaceMinutes(logType: LogType, counts: MinuteCounts): Promise<void> {
    const { fromMinute, toMinute } = counts;
    if (toMinute <= fromMinute) return;
    await this.inTransaction(logType, async (tx) => {
      const old = await tx
        .selectFrom('kept_counts')
        .select(['period', 'field', 'action', 'value', 'n', 'at_start'])
        .where('log_type', '=', logType)
        .where('grain', '=', 'm')
        .where('period', '>=', fromMinute)
        .where('period', '<', toMinute)
        .execute();
      const deltas = new Map<
        string,
        {
          grain: Grain;
          period: number;
          field: string;
          action: string;
          value: string;
          n: number;
          atStart: number;
        }
      >();
      const add = (row: CountRow, sign: 1 | -1) => {
        for (const grain of ['t', 'h', 'd'] as const) {
          const size = GRAIN_MINUTES[grain];
          const period = row.period - (row.period % size);
          const atStart = row.period === period ? row.atStart : 0;
          const key = `${grain}\u0000${period}\u0000${row.field}\u0000${row.action}\u0000${row.value}`;
          const d = deltas.get(key);
          if (d) {
            d.n += sign * row.n;
            d.atStart += sign * atStart;
          } else {
            deltas.set(key, {
              grain,
              period,
              field: row.field,
              action: row.action,
              value: row.value,
              n: sign * row.n,
              atStart: sign * atStart,
            });
          }
        }
      };
      for (const r of old)
        add(
          {
            period: Number(r.period),
            field: r.field,
            action: r.action,
            value: r.value,
            n: Number(r.n),
            atStart: Number(r.at_start),
          },
          -1
        );
      for (const r of counts.rows) add(r, 1);
      await tx
        .deleteFrom('kept_counts')
        .where('log_type', '=', logType)
        .where('grain', '=', 'm')
        .where('period', '>=', fromMinute)
        .where('period', '<', toMinute)
        .execute();
      for (const chunk of chunks(counts.rows))
        await tx
          .insertInto('kept_counts')
          .values(
            chunk.map((r) => ({
              log_type: logType,
              field: r.field,
              grain: 'm',
              period: r.period,
              action: r.action,
              value: r.value,
              n: r.n,
              at_start: r.atStart,
            }))
          )
          .execute();
      const changed = [...deltas.values()].filter((d) => d.n !== 0 || d.atStart !== 0);
      for (const chunk of chunks(changed))
        await tx
          .insertInto('kept_counts')
          .values(
            chunk.map((d) => ({
              log_type: logType,
              field: d.field,
              grain: d.grain,
              period: d.period,
              action: d.action,
              value: d.value,
              n: d.n,
              at_start: d.atStart,
            }))
          )
          .onConflict((oc) =>
            oc.columns(['log_type', 'field', 'grain', 'period', 'action', 'value']).doUpdateSet((eb) => ({
              n: eb('kept_counts.n', '+', eb.ref('excluded.n')),
              at_start: eb('kept_counts.at_start', '+', eb.ref('excluded.at_start')),
            }))
          )
          .execute();
      if (changed.length > 0) {
        const firstDay = fromMinute - (fromMinute % GRAIN_MINUTES.d);
        await tx
          .deleteFrom('kept_counts')
          .where('log_type', '=', logType)
          .where('grain', '<>', 'm')
          .where('period', '>=', firstDay)
          .where('period', '<', toMinute)
          .where('n', '=', 0)
          .execute();
      }
      for (const chunk of chunks([...counts.events]))
        await tx
          .insertInto('kept_minutes')
          .values(chunk.map(([minute, events]) => ({ log_type: logType, minute, events })))
          .onConflict((oc) =>
            oc.columns(['log_type', 'minute']).doUpdateSet((eb) => ({ events: eb.ref('excluded.events') }))
          )
          .execute();
    });
  }

  /** The first and last kept minute of a log type and how many minutes are kept; undefined when none. */
  async keptMinutes(logType: LogType): Promise<{ first: number; last: number; count: number } | undefined> {
    const row = await this.db
      .selectFrom('kept_minutes')
      .select((eb) => [
        eb.fn.min('minute').as('first'),
        eb.fn.max('minute').as('last'),
        eb.fn.countAll().as('count'),
      ])
      .where('log_type', '=', logType)
      .executeTakeFirst();
    if (!row || row.first === null || row.last === null) return undefined;
    return { first: Number(row.first), last: Number(row.last), count: Number(row.count) };
  }

  /** How many minutes of [from, to) are kept. */
  async keptMinutesIn(logType: LogType, from: number, to: number): Promise<number> {
    const row = await this.db
      .selectFrom('kept_minutes')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('log_type', '=', logType)
      .where('minute', '>=', from)
      .where('minute', '<', to)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /**
   * The values of `field` with their events over `spans`, most frequent first, at most `limit`; events without
   * the field are left out unless `withoutValue` (then counted under ''). Only the events of `action` when given.
   */
  async valueCounts(
    logType: LogType,
    field: string,
    action: string | undefined,
    spans: readonly GrainSpan[],
    limit: number,
    withoutValue = false
  ): Promise<Array<{ value: string; count: number }>> {
    // One SELECT per span, summed together. With an action (a field of many values has its all-actions rows), each
    // names its periods, so the index is sought at each (period, action) rather than read over every action.
    const only = actionRows(field, action);
    const part = (s: GrainSpan) =>
      this.db
        .selectFrom('kept_counts')
        .select(['value', 'n'])
        .where('log_type', '=', logType)
        .where('field', '=', field)
        .where('grain', '=', s.grain)
        .$if(only === undefined, (q) => q.where('period', '>=', s.from).where('period', '<', s.to))
        .$if(only !== undefined, (q) => q.where('period', 'in', periodsOf(s)).where('action', '=', only!))
        .$if(!withoutValue, (q) => q.where('value', '<>', ''));
    const [first, ...rest] = spans;
    if (!first) return [];
    const kept = rest.reduce((union, s) => union.unionAll(part(s)), part(first));
    const rows = await this.db
      .selectFrom(kept.as('kept'))
      .select((eb) => ['value', eb.fn.sum<number | string>('n').as('count')])
      .groupBy('value')
      .having((eb) => eb.fn.sum('n'), '>', 0)
      .orderBy((eb) => eb.fn.sum('n'), 'desc')
      .orderBy('value')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ value: r.value, count: Number(r.count) }));
  }

  /** Events per period of one grain in [from, to) and value of `field` (of `action` only when given). */
  async periodCounts(
    logType: LogType,
    field: string,
    action: string | undefined,
    span: GrainSpan
  ): Promise<PeriodCount[]> {
    const only = actionRows(field, action);
    const rows = await this.db
      .selectFrom('kept_counts')
      .select((eb) => [
        'period',
        'value',
        eb.fn.sum<number | string>('n').as('n'),
        eb.fn.sum<number | string>('at_start').as('at_start'),
      ])
      .where('log_type', '=', logType)
      .where('field', '=', field)
      .where('grain', '=', span.grain)
      .where('period', '>=', span.from)
      .where('period', '<', span.to)
      .$if(only !== undefined, (q) => q.where('action', '=', only!))
      .groupBy(['period', 'value'])
      .execute();
    return rows.map((r) => ({
      period: Number(r.period),
      value: r.value,
      n: Number(r.n),
      atStart: Number(r.at_start),
    }));
  }

  /** Forgets every kept count of minutes before `beforeMinute` (ten minutes, hours and days only once wholly before it). */
  async expire(beforeMinute: number): Promise<void> {
    await this.inTransaction('expire', async (tx) => {
      await tx
        .deleteFrom('kept_counts')
        .where('grain', '=', 'm')
        .where('period', '<', beforeMinute)
        .execute();
      for (const grain of ['t', 'h', 'd'] as const)
        await tx
          .deleteFrom('kept_counts')
          .where('grain', '=', grain)
          .where('period', '<=', beforeMinute - GRAIN_MINUTES[grain])
          .execute();
      await tx.deleteFrom('kept_minutes').where('minute', '<', beforeMinute).execute();
    });
  }
}

/**
 * The action whose rows answer a read of `field`: the one asked for, or for a field of many values read over all
 * actions its {@link ALL_ACTIONS} rows; undefined: every action's rows, summed (a field of few values).
 */
function actionRows(field: string, action: string | undefined): string | undefined {
  return action ?? (manyValued(field) ? ALL_ACTIONS : undefined);
}

/** The periods of a span, first minute of each. */
function periodsOf(span: GrainSpan): number[] {
  const periods: number[] = [];
  for (let p = span.from; p < span.to; p += GRAIN_MINUTES[span.grain]) periods.push(p);
  return periods;
}

/** `rows` in slices of at most {@link CHUNK}: multi-row statements within both databases' limits. */
function* chunks<T>(rows: readonly T[]): Generator<readonly T[]> {
  for (let i = 0; i < rows.length; i += CHUNK) yield rows.slice(i, i + CHUNK);
}
