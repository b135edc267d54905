/**
 * The integrity consumer's tables, as the integrity feature registers them with the service's database
 * (`store/database.ts`). Both dialects read the same DDL (`BIGINT` is SQLite's INTEGER); the tables are those the
 * proof store created itself before it had migrations, so an existing database keeps them (IF NOT EXISTS).
 */
import { ddlMigration, type BigIntColumn, type FeatureMigrations } from '../store/database';

const TABLES = [
  // One row per log type and minute with records: the proof of its records, NULL when they must be read again.
  `CREATE TABLE IF NOT EXISTS integrity_minutes (
     log_type TEXT NOT NULL, minute_ms BIGINT NOT NULL, proof TEXT, PRIMARY KEY (log_type, minute_ms))`,
  // The checkpoints of a log type's chains written in a minute, as read from Loki (verified when reported).
  `CREATE TABLE IF NOT EXISTS integrity_checkpoints (
     log_type TEXT NOT NULL, minute_ms BIGINT NOT NULL, entries TEXT NOT NULL, PRIMARY KEY (log_type, minute_ms))`,
  // Stretches whose kept proofs and checkpoints no longer stand (a delete request touched them, `mark` names it):
  // reports read them from Loki until the mark is cleared.
  `CREATE TABLE IF NOT EXISTS integrity_reread (
     log_type TEXT NOT NULL, mark TEXT NOT NULL, from_ms BIGINT NOT NULL, to_ms BIGINT NOT NULL,
     PRIMARY KEY (log_type, mark))`,
];

/** The integrity consumer's migrations (its kept proofs). */
export const INTEGRITY_PROOF_MIGRATIONS: FeatureMigrations = {
  feature: 'integrity',
  migrations: [ddlMigration('001-minutes-checkpoints-reread', TABLES)],
};

/** The proof store's tables as Kysely types them. */
// A type, not an interface: Kysely's table maps need an index signature, which only type literals have implicitly.
export type ProofTables = {
  integrity_minutes: { log_type: string; minute_ms: BigIntColumn; proof: string | null };
  integrity_checkpoints: { log_type: string; minute_ms: BigIntColumn; entries: string };
  integrity_reread: { log_type: string; mark: string; from_ms: BigIntColumn; to_ms: BigIntColumn };
};
