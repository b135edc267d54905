/**
 * The service's one database, shared by its features: a SQLite file in `DATA_DIR` (one process) or Postgres at
 * `DATABASE_URL` (any number of replicas), both reached through Kysely, so a feature writes its queries once and
 * only what the two dialects cannot share differs (see `dialect`). Each feature owns its tables and registers
 * their migrations ({@link FeatureMigrations}); {@link openDatabase} applies the pending ones at start.
 */
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql, type ColumnType } from 'kysely';
import { Pool } from 'pg';
import type { Config } from '../config';
import { nodeSqliteDialect } from './node-sqlite-dialect';

/** Where the tables are: a SQLite file, or a Postgres database. */
export type DatabaseTarget =
  | { readonly dialect: 'sqlite'; readonly file: string }
  | { readonly dialect: 'postgres'; readonly url: string };

/** The SQL dialect of a database: what a feature may have to write twice. */
export type DialectName = DatabaseTarget['dialect'];

/**
 * A database handle whose tables a feature names itself: `db.withTables<MyTables>()` gives the typed builder.
 * Kysely's `DB` parameter is the set of known tables; the shared handle knows none.
 */
export type AnyKysely = Kysely<object>;

/** One step of a feature's schema, applied once per database. */
export interface Migration {
  /** Unique within the feature and sorted in the order to apply (`001-jobs`, `002-...`). */
  readonly name: string;
  /** Changes the schema; runs in the migration transaction, with the dialect to write DDL for. */
  up(db: AnyKysely, dialect: DialectName): Promise<void>;
}

/** A migration that runs DDL statements in order, each written so that both dialects read it. */
export function ddlMigration(name: string, statements: readonly string[]): Migration {
  return {
    name,
    up: async (db) => {
      for (const statement of statements) await sql.raw(statement).execute(db);
    },
  };
}

/** A `BIGINT` column as read: text from Postgres, a number from SQLite; written as a number. */
export type BigIntColumn = ColumnType<number | string, number, number>;

/** The migrations of one feature (`exports`, `follower`, ...), kept apart from other features' by its name. */
export interface FeatureMigrations {
  readonly feature: string;
  readonly migrations: readonly Migration[];
}

/** Options of {@link openDatabase}. */
export interface DatabaseOptions {
  /** The features whose pending migrations are applied before the database is handed out. */
  readonly features?: readonly FeatureMigrations[];
  /** Postgres: connections of this process at most. The default value is 10. */
  readonly maxConnections?: number;
  /** Postgres: told about an idle connection that broke (Postgres restarted, say); the pool replaces it. */
  readonly onConnectionError?: (error: Error) => void;
}

/** An open database: the Kysely handle, its dialect, and its end. */
export interface Database {
  readonly db: AnyKysely;
  readonly dialect: DialectName;
  /** SQLite: the database file (another thread may open it for reading); undefined on Postgres. */
  readonly file?: string;
  /** Closes the connections (the SQLite file, the Postgres pool); safe to call twice. */
  close(): Promise<void>;
}

/** The table recording which migrations of which feature a database has had. */
export const MIGRATIONS_TABLE = 'auditlens_migrations';

// Keys of Postgres's transaction-level advisory locks (pg_advisory_xact_lock(int, int)); "AULS" in ASCII. The
// releases before this module used the same space and numbers: a replica of the earlier release starting beside
// a newer one waits for the same lock.
/** The space of AuditLens's advisory locks with fixed keys. */
export const LOCK_SPACE = 0x41554c53;
/** Fixed keys within {@link LOCK_SPACE}: the schema migration (1) and the export claims (2). */
export const LOCK_KEYS = { migration: 1, exportClaim: 2 } as const;
/** The space of advisory locks keyed by a name (`hashtext(name)`): the export admissions of one user. */
export const NAMED_LOCK_SPACE = LOCK_SPACE + 1;
/** The space of the kept counts' advisory locks, keyed by a name: a log type's counts, or their expiry. */
export const COUNTS_LOCK_SPACE = LOCK_SPACE + 2;

/** The database the configuration names: Postgres at `DATABASE_URL`, else `jobs.sqlite` in `DATA_DIR`. */
export function databaseTarget(config: Pick<Config, 'DATA_DIR' | 'DATABASE_URL'>): DatabaseTarget {
  return config.DATABASE_URL
    ? { dialect: 'postgres', url: config.DATABASE_URL }
    : // The file keeps the name of the release that held only jobs in it, so an existing one is found.
      { dialect: 'sqlite', file: join(config.DATA_DIR, 'jobs.sqlite') };
}

/** Opens `target` and applies the pending migrations of `options.features`; closes it again if they fail. */
export async function openDatabase(target: DatabaseTarget, options: DatabaseOptions = {}): Promise<Database> {
  const database = target.dialect === 'sqlite' ? openSqlite(target.file) : openPostgres(target.url, options);
  try {
    await migrate(database, options.features ?? []);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/**
 * Another connection to a SQLite database file whose owner has opened it (and applied its migrations), for a
 * thread of its own that reads it (`views/counts/counts-read-worker.ts`).
 */
export function openSqliteReader(file: string): Database {
  return openSqlite(file);
}

function openSqlite(file: string): Database {
  const db = new Kysely<object>({
    dialect: nodeSqliteDialect(file, (sqlite) => {
      sqlite.exec('PRAGMA journal_mode = WAL');
      // One process uses the file, but a slow disk must not turn a write into SQLITE_BUSY at once.
      sqlite.exec('PRAGMA busy_timeout = 5000');
      // A facet over a busy hour sums a few hundred thousand kept counts; reading them through the OS's page
      // cache (mmap) and a 64 MiB cache of its own rather than SQLite's 2 MiB default keeps that a read of memory.
      sqlite.exec('PRAGMA mmap_size = 268435456');
      sqlite.exec('PRAGMA cache_size = -65536');
    }),
  });
  return { ...withClose(db, 'sqlite'), file };
}

function openPostgres(url: string, options: DatabaseOptions): Database {
  const pool = new Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    application_name: 'auditlens-export-service',
  });
  // An idle connection that breaks is reported here; without a listener it would end the process.
  pool.on('error', (error) => options.onConnectionError?.(error));
  return withClose(new Kysely<object>({ dialect: new PostgresDialect({ pool }) }), 'postgres');
}

function withClose(db: AnyKysely, dialect: DialectName): Database {
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect,
    close: async () => {
      closing ??= db.destroy();
      await closing;
    },
  };
}

/**
 * Applies, in one transaction, the migrations of `features` that `database` has not had, each feature's in name
 * order, and records them; answers the names applied (`<feature>/<name>`). On Postgres replicas starting
 * together take turns (an advisory lock); on SQLite the transaction is taken for writing at once.
 *
 * Not Kysely's `Migrator`: it keeps one ordered list for the whole database and refuses to run when the database
 * records a migration the process does not know, while here features register their migrations independently and
 * a process (a tool, a test, a job store opened alone) may know only some of them.
 */
export async function migrate(database: Database, features: readonly FeatureMigrations[]): Promise<string[]> {
  const names = new Set<string>();
  for (const f of features)
    for (const m of f.migrations) {
      const name = `${f.feature}/${m.name}`;
      if (names.has(name)) throw new Error(`migration ${name} is registered twice`);
      names.add(name);
    }
  return inWriteTransaction(database, async (trx) => {
    await advisoryLock(trx, database.dialect, LOCK_SPACE, LOCK_KEYS.migration);
    await trx.schema
      .createTable(MIGRATIONS_TABLE)
      .ifNotExists()
      .addColumn('feature', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${MIGRATIONS_TABLE}_pkey`, ['feature', 'name'])
      .execute();
    const records = trx.withTables<{ [MIGRATIONS_TABLE]: MigrationRecord }>();
    const done = new Set(
      (await records.selectFrom(MIGRATIONS_TABLE).select(['feature', 'name']).execute()).map(
        (r) => `${r.feature}/${r.name}`
      )
    );
    const applied: string[] = [];
    for (const f of features) {
      const pending = [...f.migrations]
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .filter((m) => !done.has(`${f.feature}/${m.name}`));
      for (const m of pending) {
        await m.up(trx, database.dialect);
        await records
          .insertInto(MIGRATIONS_TABLE)
          .values({ feature: f.feature, name: m.name, applied_at: new Date().toISOString() })
          .execute();
        applied.push(`${f.feature}/${m.name}`);
      }
    }
    return applied;
  });
}

interface MigrationRecord {
  feature: string;
  name: string;
  applied_at: string;
}

/**
 * Runs `work` (given the handle bound to the transaction) in a transaction that holds the right to write from its start. On SQLite that is `BEGIN
 * IMMEDIATE`: a deferred transaction (Kysely's `begin`) that reads first and writes later fails with
 * SQLITE_BUSY when another connection to the file wrote in between, instead of waiting. On Postgres every
 * transaction may write.
 */
export async function inWriteTransaction<T>(
  database: Database,
  work: (db: AnyKysely) => Promise<T>
): Promise<T> {
  if (database.dialect === 'postgres') return database.db.transaction().execute(work);
  return database.db.connection().execute(async (connection) => {
    await sql`BEGIN IMMEDIATE`.execute(connection);
    try {
      const result = await work(connection);
      await sql`COMMIT`.execute(connection);
      return result;
    } catch (error) {
      await sql`ROLLBACK`.execute(connection);
      throw error;
    }
  });
}

/**
 * Postgres: takes the transaction-level advisory lock `(space, key)` (a name as key is hashed with `hashtext`),
 * held until the transaction ends, so the same work on other replicas waits for it. SQLite: nothing (one process
 * uses the file, and its write transactions run one at a time).
 */
export async function advisoryLock(
  trx: AnyKysely,
  dialect: DialectName,
  space: number,
  key: number | string
): Promise<void> {
  if (dialect !== 'postgres') return;
  if (typeof key === 'number') await sql`SELECT pg_advisory_xact_lock(${space}, ${key})`.execute(trx);
  else await sql`SELECT pg_advisory_xact_lock(${space}, hashtext(${key}))`.execute(trx);
}
