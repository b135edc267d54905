/**
 * Kysely over Node's own SQLite (`node:sqlite`), so the service needs no native module. Kysely's SQLite dialect
 * is written for better-sqlite3's `Database`; `node:sqlite`'s `DatabaseSync` differs in two ways, which
 * {@link NodeSqliteDatabase} bridges: its statements take their parameters spread (`all(a, b)`, not
 * `all([a, b])`), and they have no `reader` flag, which Kysely reads to choose between `all` (rows back) and
 * `run` (changes counted); a statement that returns rows is one with result columns (`columns()`).
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';

/** A `node:sqlite` statement as Kysely's SQLite driver calls it. */
class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean;

  constructor(private readonly statement: StatementSync) {
    this.reader = statement.columns().length > 0;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.statement.all(...bind(parameters));
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.statement.run(...bind(parameters));
  }

  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.statement.iterate(...bind(parameters));
  }
}

/** A `node:sqlite` database with the shape Kysely's `SqliteDialect` takes. */
export class NodeSqliteDatabase implements SqliteDatabase {
  constructor(readonly database: DatabaseSync) {}

  prepare(sql: string): SqliteStatement {
    return new NodeSqliteStatement(this.database.prepare(sql));
  }

  close(): void {
    if (this.database.isOpen) this.database.close();
  }
}

/**
 * The values `node:sqlite` binds are null, numbers, bigints, strings and bytes; anything else is refused here
 * by name (`node:sqlite` would say only "Provided value cannot be bound"). Booleans become 0 and 1, as SQLite
 * stores them.
 */
function bind(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((value, i) => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (
      value === null ||
      typeof value === 'number' ||
      typeof value === 'bigint' ||
      typeof value === 'string' ||
      ArrayBuffer.isView(value)
    )
      return value as SQLInputValue;
    throw new TypeError(`SQLite cannot store parameter ${i + 1} (${typeof value})`);
  });
}

/** Kysely's SQLite dialect on a `node:sqlite` database file (created when absent; `:memory:` for none). */
export function nodeSqliteDialect(file: string, onOpen?: (database: DatabaseSync) => void): SqliteDialect {
  return new SqliteDialect({
    database: async () => {
      const database = new DatabaseSync(file);
      onOpen?.(database);
      return new NodeSqliteDatabase(database);
    },
  });
}
