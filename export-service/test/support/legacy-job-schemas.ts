/**
 * The job tables as the releases before the Kysely job store left them, written as those releases' stores
 * wrote them (`sqlite-job-store.ts` and `postgres-job-store.ts`, removed in the same change): the upgrade tests
 * build a database of an earlier release from these and open it with today's store.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Client } from 'pg';

/** SQLite's `jobs` table of the first release (no uid, grant, lease, mail or estimate columns). */
export const SQLITE_FIRST_RELEASE = `CREATE TABLE jobs (
  id TEXT PRIMARY KEY, login TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL,
  log_type TEXT NOT NULL, format TEXT NOT NULL, range_from TEXT NOT NULL, range_to TEXT NOT NULL,
  filters TEXT NOT NULL, timezone TEXT NOT NULL, status TEXT NOT NULL,
  rows INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0, file_path TEXT, expires_at TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`;

/** Builds SQLite's `jobs` table as the last release before Kysely did at start, every column and index. */
export function sqliteLastRelease(db: DatabaseSync): void {
  db.exec(SQLITE_FIRST_RELEASE);
  db.exec('CREATE INDEX IF NOT EXISTS jobs_by_login ON jobs (login, created_at)');
  db.exec('CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_at)');
  for (const [name, definition] of [
    ['uid', 'TEXT'],
    ['grant_digest', 'TEXT'],
    ['started_at', 'TEXT'],
    ['next_attempt_at', 'TEXT'],
    ['mail_attempts', 'INTEGER NOT NULL DEFAULT 0'],
    ['mail_since', 'TEXT'],
    ['lease_owner', 'TEXT'],
    ['lease_until', 'TEXT'],
    ['estimated_rows', 'INTEGER'],
  ])
    db.exec(`ALTER TABLE jobs ADD COLUMN ${name} ${definition}`);
  db.exec('CREATE UNIQUE INDEX IF NOT EXISTS jobs_by_grant ON jobs (grant_digest)');
  db.exec('CREATE INDEX IF NOT EXISTS jobs_by_uid ON jobs (uid, created_at)');
}

/** Postgres's schema version 1 (the first Postgres release), recorded as that release's store did. */
export const POSTGRES_VERSION_1 = `
  CREATE TABLE export_jobs (
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
    lease_until TIMESTAMPTZ
  );
  CREATE INDEX export_jobs_by_uid ON export_jobs (uid, created_at);
  CREATE INDEX export_jobs_by_status ON export_jobs (status, created_at);
  CREATE INDEX export_jobs_by_lease ON export_jobs (lease_owner) WHERE lease_owner IS NOT NULL;`;

/** Builds Postgres's schema at `version` (1 or 2, the last before Kysely) as those releases did at start. */
export async function postgresRelease(client: Client, version: 1 | 2): Promise<void> {
  await client.query(
    `CREATE TABLE IF NOT EXISTS auditlens_schema_migrations (
       version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`
  );
  await client.query(POSTGRES_VERSION_1);
  await client.query('INSERT INTO auditlens_schema_migrations (version) VALUES (1)');
  if (version === 2) {
    await client.query('ALTER TABLE export_jobs ADD COLUMN estimated_rows BIGINT');
    await client.query('INSERT INTO auditlens_schema_migrations (version) VALUES (2)');
  }
}
