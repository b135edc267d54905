/** A value bound to a `?` placeholder. */
export type SqlValue = string | number | null;

/**
 * The little the counts store needs of a database, the same for SQLite and Postgres: statements with `?`
 * placeholders (numbered for Postgres by the runner), and transactions serialised per key across every process
 * that shares the database.
 */
export interface SqlRunner {
  readonly dialect: 'sqlite' | 'postgres';
  /** Rows of a query. Postgres answers BIGINT and SUM as strings: read numbers with `Number`. */
  all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** Runs `fn` in one transaction; no other transaction under the same `lockKey` runs at the same time. */
  transaction<T>(lockKey: string, fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
