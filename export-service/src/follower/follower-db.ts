import { DatabaseSync } from 'node:sqlite';
import { Pool } from 'pg';

/** A value bound to a statement's `?`. */
export type SqlValue = string | number | null;

/**
 * The job store's database as the follower and its consumers use it: one SQL text for both dialects (`?`
 * placeholders, `INSERT ... ON CONFLICT`, which SQLite and Postgres both take), so each store is written once.
 */
export interface FollowerDb {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs a query; its rows, numbers of BIGINT columns as numbers. */
  all<T extends Record<string, SqlValue>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  close(): Promise<void>;
}

/** The follower's tables in the SQLite file of the job store (`node:sqlite`, a connection of its own). */
export class SqliteFollowerDb implements FollowerDb {
  readonly dialect = 'sqlite';
  private readonly db: DatabaseSync;

  constructor(path: string) {
    this.db = new DatabaseSync(path);
    // The export runner writes to the same file: wait for its short transactions rather than fail.
    this.db.exec('PRAGMA busy_timeout = 5000');
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return Promise.resolve(Number(this.db.prepare(sql).run(...params).changes));
  }

  all<T extends Record<string, SqlValue>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return Promise.resolve(this.db.prepare(sql).all(...params) as T[]);
  }

  close(): Promise<void> {
    this.db.close();
    return Promise.resolve();
  }
}

/** The follower's tables in the job store's Postgres database (a small pool of its own). */
export class PostgresFollowerDb implements FollowerDb {
  readonly dialect = 'postgres';
  private readonly pool: Pool;

  constructor(url: string, maxConnections = 2) {
    this.pool = new Pool({ connectionString: url, max: maxConnections });
    // An idle connection that breaks is replaced by the pool; without a listener it would crash the process.
    this.pool.on('error', () => undefined);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.pool.query(numbered(sql), [...params])).rowCount ?? 0;
  }

  async all<T extends Record<string, SqlValue>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const result = await this.pool.query(numbered(sql), [...params]);
    // BIGINT comes back as text from pg: the follower's numbers (ms, counts) fit a double.
    return result.rows.map((row: Record<string, unknown>) => {
      const out: Record<string, SqlValue> = {};
      for (const f of result.fields) {
        const v = row[f.name];
        out[f.name] = f.dataTypeID === 20 && typeof v === 'string' ? Number(v) : (v as SqlValue);
      }
      return out as T;
    });
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** `?` placeholders as Postgres's `$1, $2, ...` (the follower's SQL has no `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
