import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { SqlRunner, SqlValue } from './sql-runner';

/**
 * A SQLite file through two connections: one writes (its transactions one after another within the process), the
 * other reads, so that in WAL mode a read never sees a transaction half done.
 */
export class SqliteRunner implements SqlRunner {
  readonly dialect = 'sqlite';
  private readonly writer: DatabaseSync;
  private readonly reader: DatabaseSync;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    this.writer = new DatabaseSync(path);
    this.writer.exec('PRAGMA journal_mode = WAL');
    // Another process (a bench, a second service on the same file) may hold the write lock for a moment.
    this.writer.exec('PRAGMA busy_timeout = 10000');
    this.reader = new DatabaseSync(path);
    this.reader.exec('PRAGMA busy_timeout = 10000');
    // A facet over a busy hour sums a few hundred thousand minute rows; reading them through the OS's page cache
    // (mmap) and a 64 MiB cache of its own rather than SQLite's 2 MiB default keeps that a read of memory.
    this.reader.exec('PRAGMA mmap_size = 268435456');
    this.reader.exec('PRAGMA cache_size = -65536');
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.reader.prepare(sql).all(...(params as SQLInputValue[])) as T[];
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    this.writer.prepare(sql).run(...(params as SQLInputValue[]));
  }

  transaction<T>(_lockKey: string, fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const writer = this.writer;
    // Inside the transaction reads go to the writing connection, which sees its own changes.
    const tx: SqlRunner = {
      dialect: 'sqlite',
      all: async <R>(sql: string, params: readonly SqlValue[] = []) =>
        writer.prepare(sql).all(...(params as SQLInputValue[])) as R[],
      run: async (sql, params = []) => {
        writer.prepare(sql).run(...(params as SQLInputValue[]));
      },
      transaction: () => Promise.reject(new Error('nested transaction')),
      close: async () => undefined,
    };
    const result = this.queue.then(async () => {
      writer.exec('BEGIN IMMEDIATE');
      try {
        const value = await fn(tx);
        writer.exec('COMMIT');
        return value;
      } catch (error) {
        writer.exec('ROLLBACK');
        throw error;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    this.reader.close();
    this.writer.close();
  }
}
