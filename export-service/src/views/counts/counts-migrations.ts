/**
 * The kept counts' tables, as the counts register them with the service's database (`store/database.ts`). Both
 * dialects read the same DDL (`BIGINT` is SQLite's INTEGER); periods are minutes since the epoch, so every number
 * fits a double. The tables are those the counts store created itself before it had migrations, so an existing
 * database keeps them (IF NOT EXISTS).
 */
import { ddlMigration, type BigIntColumn, type FeatureMigrations } from '../../store/database';

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

/** The kept counts' migrations. */
export const COUNTS_MIGRATIONS: FeatureMigrations = {
  feature: 'counts',
  migrations: [
    ddlMigration('001-kept-counts-minutes', TABLES),
    ddlMigration('002-kept-counts-covering-index', COVERING_INDEX),
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
