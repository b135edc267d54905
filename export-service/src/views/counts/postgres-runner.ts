import { Pool, type PoolClient } from 'pg';
import type { SqlRunner, SqlValue } from './sql-runner';

/** `?` placeholders numbered as Postgres wants them (`$1`, `$2`, ...); the store's SQL has no `?` in literals. */
function numbered(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

/** Statements of one client (the pool, or a connection inside a transaction). */
function runnerOn(client: Pick<Pool, 'query'> | PoolClient, inner: PostgresRunner): SqlRunner {
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: readonly SqlValue[] = []) =>
      (await client.query(numbered(sql), [...params])).rows as T[],
    run: async (sql, params = []) => {
      await client.query(numbered(sql), [...params]);
    },
    transaction: (key, fn) => inner.transaction(key, fn),
    close: () => inner.close(),
  };
}

/**
 * A Postgres database shared by every replica. Transactions under one key are serialised across replicas by a
 * transaction-level advisory lock on the key's hash, so two replicas counting the same minutes (during a leader
 * take-over) apply their changes one after the other.
 */
export class PostgresRunner implements SqlRunner {
  readonly dialect = 'postgres';
  private readonly outside: SqlRunner;

  constructor(private readonly pool: Pool) {
    this.outside = runnerOn(pool, this);
  }

  /** A pool on `url` (its own, so counting never waits for the export jobs' connections). */
  static connect(url: string, maxConnections = 4, onError?: (error: Error) => void): PostgresRunner {
    const pool = new Pool({
      connectionString: url,
      max: maxConnections,
      application_name: 'auditlens-counts',
    });
    // An idle connection that breaks is reported here; without a listener it would end the process.
    pool.on('error', (error) => onError?.(error));
    return new PostgresRunner(pool);
  }

  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.outside.all<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<void> {
    return this.outside.run(sql, params);
  }

  async transaction<T>(lockKey: string, fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
      const value = await fn(runnerOn(client, this));
      await client.query('COMMIT');
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
