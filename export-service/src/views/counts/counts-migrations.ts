/**
 * The kept counts' tables, as the counts register them with the service's database (`store/database.ts`). Both
 * dialects read the same DDL (`BIGINT` is SQLite's INTEGER); periods are minutes since the epoch, so every number
 * fits a double. The tables are those the counts store created itself before it had migrations, so an existing
 * database keeps them (IF NOT EXISTS).
 */
import { ddlMigration, type BigIntColumn, type FeatureMigrations } from '../../store/database';
import { ALL_ACTIONS, MANY_VALUED_FIELDS } from './counted-fields';

const TABLES = [
  `CREATE TABLE IF NOT EXISTS kept_counts (
     log_type TEXT NOT NULL, field TEXT NOT NULL, grain TEXT NOT NULL, period BIGINT NOT NULL,
     action TEXT NOT NULL, value TEXT NOT NULL, n BIGINT NOT NULL, at_start BIGINT NOT NULL,
     PRIMARY KEY (log_type, field, grain, period, action, value))`,
  `CREATE INDEX IF NOT EXISTS kept_counts_by_period ON kept_counts (log_type, grain, period)`,
  `CREATE TABLE IF NOT EXISTS kept_minutes (
     log_type TEXT NOT NULL, minute BIGINT NOT NULL, events BIGINT NOT NULL, PRIMARY KEY (log_type, minute))`,
];

/**
 * A dropdown of a field with many values sums a few hundred thousand rows (an hour of addresses per minute and ten
 * minutes); with `n` in the index the database reads them from the index alone instead of looking up each row in
 * the table, about five times faster on SQLite. Both dialects take a plain multi-column index.
 */
const COVERING_INDEX = [
  `CREATE INDEX IF NOT EXISTS kept_counts_covering
     ON kept_counts (log_type, field, grain, period, action, value, n, at_start)`,
];

/**
 * Counts kept before fields of many values were also counted over all actions get those rows, summed from their
 * actions' rows at every grain (a few seconds for a busy hour's counts; the follower adds them from then on). The
 * names are the service's own constants, never input.
 */
const ALL_ACTIONS_ROWS = [
  `INSERT INTO kept_counts (log_type, field, grain, period, action, value, n, at_start)
     SELECT log_type, field, grain, period, '${ALL_ACTIONS}', value, SUM(n), SUM(at_start)
     FROM kept_counts
     WHERE field IN (${[...MANY_VALUED_FIELDS].map((f) => `'${f}'`).join(', ')}) AND action <> '${ALL_ACTIONS}'
     GROUP BY log_type, field, grain, period, value
   ON CONFLICT (log_type, field, grain, period, action, value) DO NOTHING`,
];

/** The kept counts' migrations. */
export const COUNTS_MIGRATIONS: FeatureMigrations = {
  feature: 'counts',
  migrations: [
    ddlMigration('001-kept-counts-minutes', TABLES),
    ddlMigration('002-kept-counts-covering-index', COVERING_INDEX),
    ddlMigration('003-kept-counts-over-all-actions', ALL_ACTIONS_ROWS),
  ],
};

/** The kept counts' tables as Kysely types them. */
// A type, not an interface: Kysely's table maps need an index signature, which only type literals have implicitly.
export type CountsTables = {
  kept_counts: {
    log_type: string;
    field: string;
    grain: string;
    period: BigIntColumn;
    action: string;
    value: string;
    n: BigIntColumn;
    at_start: BigIntColumn;
  };
  kept_minutes: { log_type: string; minute: BigIntColumn; events: BigIntColumn };
};
