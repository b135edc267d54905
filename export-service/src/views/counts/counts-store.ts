import type { LogType } from '@auditlens/contract';
import type { CountRow, MinuteCounts } from './minute-counts';
import type { SqlRunner, SqlValue } from './sql-runner';

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

// Both dialects read this DDL the same way; BIGINT is SQLite's INTEGER. Periods are minutes since the epoch, so
// every number fits a double.
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS kept_counts (
     log_type TEXT NOT NULL, field TEXT NOT NULL, grain TEXT NOT NULL, period BIGINT NOT NULL,
     action TEXT NOT NULL, value TEXT NOT NULL, n BIGINT NOT NULL, at_start BIGINT NOT NULL,
     PRIMARY KEY (log_type, field, grain, period, action, value))`,
  `CREATE INDEX IF NOT EXISTS kept_counts_by_period ON kept_counts (log_type, grain, period)`,
  `CREATE TABLE IF NOT EXISTS kept_minutes (
     log_type TEXT NOT NULL, minute BIGINT NOT NULL, events BIGINT NOT NULL, PRIMARY KEY (log_type, minute))`,
];

/** Rows per multi-row statement: 8 values each, well within both databases' limits on bound values. */
const CHUNK = 500;

/**
 * Counts of settled events per minute, hour and day, per log type, counted field, action and value, in the job
 * store's database (SQLite or Postgres). A minute's rows are replaced as a whole and the difference is added to its
 * hour and day in the same transaction, so a batch delivered again (or again with late events) changes only what
 * differs. `kept_minutes` records which minutes are counted (with how many events), so readers know what is kept.
 */
export class CountsStore {
  private constructor(private readonly db: SqlRunner) {}

  /** Creates the tables when missing (under a lock: replicas may start together) and answers the store. */
  static async open(db: SqlRunner): Promise<CountsStore> {
    await db.transaction('auditlens:counts:schema', async (tx) => {
      for (const statement of SCHEMA) await tx.run(statement);
    });
    return new CountsStore(db);
  }

  /** Replaces the counts of the batch's minutes by `counts`, rolling the difference into their ten minutes, hours and days. */
  async replaceMinutes(logType: LogType, counts: MinuteCounts): Promise<void> {
    const { fromMinute, toMinute } = counts;
    if (toMinute <= fromMinute) return;
    await this.db.transaction(`auditlens:counts:${logType}`, async (tx) => {
      const old = await tx.all<{
        period: number | string;
        field: string;
        action: string;
        value: string;
        n: number | string;
        at_start: number | string;
      }>(
        `SELECT period, field, action, value, n, at_start FROM kept_counts
          WHERE log_type = ? AND grain = 'm' AND period >= ? AND period < ?`,
        [logType, fromMinute, toMinute]
      );
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
      await tx.run(
        `DELETE FROM kept_counts WHERE log_type = ? AND grain = 'm' AND period >= ? AND period < ?`,
        [logType, fromMinute, toMinute]
      );
      await insertRows(
        tx,
        'INSERT INTO kept_counts (log_type, field, grain, period, action, value, n, at_start) VALUES',
        '',
        counts.rows.map((r) => [logType, r.field, 'm', r.period, r.action, r.value, r.n, r.atStart])
      );
      const changed = [...deltas.values()].filter((d) => d.n !== 0 || d.atStart !== 0);
      await insertRows(
        tx,
        'INSERT INTO kept_counts (log_type, field, grain, period, action, value, n, at_start) VALUES',
        ` ON CONFLICT (log_type, field, grain, period, action, value)
          DO UPDATE SET n = kept_counts.n + excluded.n, at_start = kept_counts.at_start + excluded.at_start`,
        changed.map((d) => [logType, d.field, d.grain, d.period, d.action, d.value, d.n, d.atStart])
      );
      if (changed.length > 0) {
        const firstDay = fromMinute - (fromMinute % GRAIN_MINUTES.d);
        await tx.run(
          `DELETE FROM kept_counts WHERE log_type = ? AND grain <> 'm' AND period >= ? AND period < ? AND n = 0`,
          [logType, firstDay, toMinute]
        );
      }
      await insertRows(
        tx,
        'INSERT INTO kept_minutes (log_type, minute, events) VALUES',
        ' ON CONFLICT (log_type, minute) DO UPDATE SET events = excluded.events',
        [...counts.events].map(([minute, events]) => [logType, minute, events])
      );
    });
  }

  /** The first and last kept minute of a log type and how many minutes are kept; undefined when none. */
  async keptMinutes(logType: LogType): Promise<{ first: number; last: number; count: number } | undefined> {
    const [row] = await this.db.all<{
      first: number | string | null;
      last: number | string | null;
      count: number | string;
    }>(
      'SELECT MIN(minute) AS first, MAX(minute) AS last, COUNT(*) AS count FROM kept_minutes WHERE log_type = ?',
      [logType]
    );
    if (!row || row.first === null || row.last === null) return undefined;
    return { first: Number(row.first), last: Number(row.last), count: Number(row.count) };
  }

  /** How many minutes of [from, to) are kept. */
  async keptMinutesIn(logType: LogType, from: number, to: number): Promise<number> {
    const [row] = await this.db.all<{ count: number | string }>(
      'SELECT COUNT(*) AS count FROM kept_minutes WHERE log_type = ? AND minute >= ? AND minute < ?',
      [logType, from, to]
    );
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
    if (spans.length === 0) return [];
    const params: SqlValue[] = [];
    const parts = spans.map((s) => {
      params.push(logType, field, s.grain, s.from, s.to);
      if (action !== undefined) params.push(action);
      return `SELECT value, n FROM kept_counts WHERE log_type = ? AND field = ? AND grain = ? AND period >= ? AND period < ?${action !== undefined ? ' AND action = ?' : ''}${withoutValue ? '' : " AND value <> ''"}`;
    });
    params.push(limit);
    const rows = await this.db.all<{ value: string; count: number | string }>(
      `SELECT value, SUM(n) AS count FROM (${parts.join(' UNION ALL ')}) kept
        GROUP BY value HAVING SUM(n) > 0 ORDER BY SUM(n) DESC, value LIMIT ?`,
      params
    );
    return rows.map((r) => ({ value: r.value, count: Number(r.count) }));
  }

  /** Events per period of one grain in [from, to) and value of `field` (of `action` only when given). */
  async periodCounts(
    logType: LogType,
    field: string,
    action: string | undefined,
    span: GrainSpan
  ): Promise<PeriodCount[]> {
    const rows = await this.db.all<{
      period: number | string;
      value: string;
      n: number | string;
      at_start: number | string;
    }>(
      `SELECT period, value, SUM(n) AS n, SUM(at_start) AS at_start FROM kept_counts
        WHERE log_type = ? AND field = ? AND grain = ? AND period >= ? AND period < ?${action !== undefined ? ' AND action = ?' : ''}
        GROUP BY period, value`,
      [logType, field, span.grain, span.from, span.to, ...(action !== undefined ? [action] : [])]
    );
    return rows.map((r) => ({
      period: Number(r.period),
      value: r.value,
      n: Number(r.n),
      atStart: Number(r.at_start),
    }));
  }

  /** Forgets every kept count of minutes before `beforeMinute` (hours and days only once wholly before it). */
  async expire(beforeMinute: number): Promise<void> {
    await this.db.transaction('auditlens:counts:expire', async (tx) => {
      await tx.run(`DELETE FROM kept_counts WHERE grain = 'm' AND period < ?`, [beforeMinute]);
      await tx.run(`DELETE FROM kept_counts WHERE grain = 't' AND period + 10 <= ?`, [beforeMinute]);
      await tx.run(`DELETE FROM kept_counts WHERE grain = 'h' AND period + 60 <= ?`, [beforeMinute]);
      await tx.run(`DELETE FROM kept_counts WHERE grain = 'd' AND period + 1440 <= ?`, [beforeMinute]);
      await tx.run('DELETE FROM kept_minutes WHERE minute < ?', [beforeMinute]);
    });
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** Inserts `rows` with multi-row statements of at most {@link CHUNK} rows. */
async function insertRows(
  tx: SqlRunner,
  head: string,
  tail: string,
  rows: ReadonlyArray<readonly SqlValue[]>
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const tuple = `(${chunk[0]!.map(() => '?').join(', ')})`;
    await tx.run(`${head} ${chunk.map(() => tuple).join(', ')}${tail}`, chunk.flat());
  }
}
