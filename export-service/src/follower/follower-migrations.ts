/**
 * The follower's tables, as the follower registers them with the service's database (`store/database.ts`): who
 * follows (the lease), where each consumer is (its cursor), where the slow re-proof sweep is, and which of Loki's
 * delete requests were handled. Both dialects read the same DDL (`BIGINT` is SQLite's INTEGER); the tables are
 * those the follower created itself before it had migrations, so an existing database keeps them (IF NOT EXISTS).
 */
import { ddlMigration, type BigIntColumn, type FeatureMigrations } from '../store/database';

const TABLES = [
  `CREATE TABLE IF NOT EXISTS follower_leases (
     name TEXT PRIMARY KEY, holder TEXT NOT NULL, until_ms BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS follower_cursors (
     consumer TEXT NOT NULL, log_type TEXT NOT NULL, start_ms BIGINT NOT NULL, cursor_ms BIGINT NOT NULL,
     PRIMARY KEY (consumer, log_type))`,
  // Where the slow re-proof of kept minutes is, per log type.
  `CREATE TABLE IF NOT EXISTS follower_sweeps (log_type TEXT PRIMARY KEY, at_ms BIGINT NOT NULL)`,
  // Loki's delete requests seen (`marked`) and delivered again (`reproven`), each once across replicas.
  `CREATE TABLE IF NOT EXISTS follower_deletions (request_key TEXT PRIMARY KEY, state TEXT NOT NULL)`,
];

/** The follower's migrations. */
export const FOLLOWER_MIGRATIONS: FeatureMigrations = {
  feature: 'follower',
  migrations: [ddlMigration('001-leases-cursors-sweeps-deletions', TABLES)],
};

/** The follower's tables as Kysely types them. */
// A type, not an interface: Kysely's table maps need an index signature, which only type literals have implicitly.
export type FollowerTables = {
  follower_leases: { name: string; holder: string; until_ms: BigIntColumn };
  follower_cursors: { consumer: string; log_type: string; start_ms: BigIntColumn; cursor_ms: BigIntColumn };
  follower_sweeps: { log_type: string; at_ms: BigIntColumn };
  follower_deletions: { request_key: string; state: string };
};
