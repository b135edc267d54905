/**
 * The schema of the export jobs, as the exports feature registers it with the database (`store/database.ts`).
 * The first migration brings any earlier database to today's table, so the databases of the releases before
 * Kysely open with their jobs: Postgres's `export_jobs` at either of its two schema versions (recorded then in
 * `auditlens_schema_migrations`, which stays as it is), and SQLite's `jobs` table of any release, renamed
 * `export_jobs` so that both dialects share one table name. Column types stay each dialect's own: Postgres keeps
 * times as `timestamptz`, filters as `jsonb` and counts as `bigint`; SQLite keeps ISO text and JSON text.
 */
import { sql } from 'kysely';
import type { AnyKysely, FeatureMigrations } from '../../store/database';

/** The table of export jobs, in both dialects. */
export const JOBS_TABLE = 'export_jobs';

const POSTGRES = [
  `CREATE TABLE IF NOT EXISTS export_jobs (
     seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
     id TEXT PRIMARY KEY,
     uid TEXT,
     login TEXT NOT NULL,
     email TEXT NOT NULL,
     name TEXT NOT NULL,
     log_type TEXT NOT NULL,
     format TEXT NOT NULL,
     range_from TEXT NOT NULL,
     range_to TEXT NOT NULL,
     filters JSONB NOT NULL,
     timezone TEXT NOT NULL,
     status TEXT NOT NULL,
     rows BIGINT NOT NULL DEFAULT 0,
     bytes BIGINT NOT NULL DEFAULT 0,
     error TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     file_path TEXT,
     expires_at TIMESTAMPTZ,
     created_at TIMESTAMPTZ NOT NULL,
     updated_at TIMESTAMPTZ NOT NULL,
     grant_digest TEXT UNIQUE,
     started_at TIMESTAMPTZ,
     next_attempt_at TIMESTAMPTZ,
     mail_attempts INTEGER NOT NULL DEFAULT 0,
     mail_since TIMESTAMPTZ,
     lease_owner TEXT,
     lease_until TIMESTAMPTZ,
     estimated_rows BIGINT
   )`,
  // The first Postgres release had no estimate (its schema version 1).
  'ALTER TABLE export_jobs ADD COLUMN IF NOT EXISTS estimated_rows BIGINT',
  'CREATE INDEX IF NOT EXISTS export_jobs_by_uid ON export_jobs (uid, created_at)',
  'CREATE INDEX IF NOT EXISTS export_jobs_by_status ON export_jobs (status, created_at)',
  'CREATE INDEX IF NOT EXISTS export_jobs_by_lease ON export_jobs (lease_owner) WHERE lease_owner IS NOT NULL',
  // The earlier releases' own record of this schema (its versions 1 and 2), kept true: a replica of the release
  // before still starting beside this one, or one rolled back to, finds the table it expects and leaves it be.
  `CREATE TABLE IF NOT EXISTS auditlens_schema_migrations (
     version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
  'INSERT INTO auditlens_schema_migrations (version) VALUES (1), (2) ON CONFLICT (version) DO NOTHING',
];

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS export_jobs (
   id TEXT PRIMARY KEY, login TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL,
   log_type TEXT NOT NULL, format TEXT NOT NULL, range_from TEXT NOT NULL, range_to TEXT NOT NULL,
   filters TEXT NOT NULL, timezone TEXT NOT NULL, status TEXT NOT NULL,
   rows INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, error TEXT,
   attempts INTEGER NOT NULL DEFAULT 0, file_path TEXT, expires_at TEXT,
   created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`;

// Columns the SQLite releases added one by one after the first; a file of any of them lacks some. Jobs from
// before `uid` existed keep NULL there: a job without `uid` belongs to nobody (a login is no proof of who asked).
const SQLITE_ADDED_COLUMNS: ReadonlyArray<readonly [name: string, definition: string]> = [
  ['uid', 'TEXT'],
  ['grant_digest', 'TEXT'],
  ['started_at', 'TEXT'],
  ['next_attempt_at', 'TEXT'],
  ['mail_attempts', 'INTEGER NOT NULL DEFAULT 0'],
  ['mail_since', 'TEXT'],
  ['lease_owner', 'TEXT'],
  ['lease_until', 'TEXT'],
  ['estimated_rows', 'INTEGER'],
];

const SQLITE_INDEXES = [
  // The indexes of the `jobs` table, by their earlier names (a renamed table keeps them).
  'DROP INDEX IF EXISTS jobs_by_login',
  'DROP INDEX IF EXISTS jobs_by_status',
  'DROP INDEX IF EXISTS jobs_by_grant',
  'DROP INDEX IF EXISTS jobs_by_uid',
  // A grant makes one export: a second job with the same grant is refused by this index.
  'CREATE UNIQUE INDEX IF NOT EXISTS export_jobs_by_grant ON export_jobs (grant_digest)',
  'CREATE INDEX IF NOT EXISTS export_jobs_by_uid ON export_jobs (uid, created_at)',
  'CREATE INDEX IF NOT EXISTS export_jobs_by_status ON export_jobs (status, created_at)',
  'CREATE INDEX IF NOT EXISTS export_jobs_by_lease ON export_jobs (lease_owner) WHERE lease_owner IS NOT NULL',
];

async function run(db: AnyKysely, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

async function sqliteJobs(db: AnyKysely): Promise<void> {
  const tables = await db.introspection.getTables();
  const has = (name: string) => tables.some((t) => t.name === name);
  if (has('jobs') && !has(JOBS_TABLE)) await sql`ALTER TABLE jobs RENAME TO export_jobs`.execute(db);
  await run(db, [SQLITE_TABLE]);
  const { rows } = await sql<{ name: string }>`PRAGMA table_info(export_jobs)`.execute(db);
  const present = new Set(rows.map((c) => c.name));
  for (const [name, definition] of SQLITE_ADDED_COLUMNS)
    if (!present.has(name))
      await sql.raw(`ALTER TABLE export_jobs ADD COLUMN ${name} ${definition}`).execute(db);
  await run(db, SQLITE_INDEXES);
}

/** The export jobs' migrations. */
export const EXPORT_JOB_MIGRATIONS: FeatureMigrations = {
  feature: 'exports',
  migrations: [
    {
      name: '001-export-jobs',
      up: async (db, dialect) => (dialect === 'postgres' ? run(db, POSTGRES) : sqliteJobs(db)),
    },
  ],
};
