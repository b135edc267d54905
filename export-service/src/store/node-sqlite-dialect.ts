/**
 * Kysely over Node's own SQLite (`node:sqlite`), so the service needs no native module. Kysely's SQLite dialect
 * is written for better-sqlite3's `Database`; `node:sqlite`'s `DatabaseSync` differs in two ways, which
 * {@link NodeSqliteDatabase} bridges: its statements take their parameters spread (`all(a, b)`, not
 * `all([a, b])`), and they have no `reader` flag, which Kysely reads to choose between `all` (rows back) and
 * `run` (changes counted); a statement that returns rows is one with result columns (`columns()`). And the
 * connections of one process to one file take turns (`FileTurns` below), which `node:sqlite`'s synchronous
 * waiting for a lock needs.
 */
import { resolve } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  SqliteDialect,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type SqliteDatabase,
  type SqliteStatement,
  type TransactionSettings,
} from 'kysely';

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

/**
 * Kysely's SQLite dialect on a `node:sqlite` database file (created when absent), whose connections in this
 * process take turns with every other connection of this process to the same file ({@link FileTurns}).
 */
export function nodeSqliteDialect(file: string, onOpen?: (database: DatabaseSync) => void): SqliteDialect {
  return new TakingTurnsSqliteDialect(resolve(file), {
    database: async () => {
      const database = new DatabaseSync(file);
      onOpen?.(database);
      return new NodeSqliteDatabase(database);
    },
  });
}

/**
 * Turns on one SQLite file among the connections of this process. `node:sqlite` is synchronous: a connection that
 * finds the file locked for writing by another connection of the same process waits (`busy_timeout`) on the
 * very thread that would have to finish the other's transaction, so it can only fail ("database is locked").
 * Kysely's transactions span awaits, so two stores on one file (a test's two "processes", a tool beside the
 * service) would meet that way; taking turns per file, from acquiring a connection to releasing it, keeps them
 * apart. Other processes are kept apart by SQLite's own locks and `busy_timeout`.
 */
class FileTurns {
  private static readonly byFile = new Map<string, FileTurns>();
  private tail: Promise<void> = Promise.resolve();
  private users = 0;

  /** The turns of `file`, kept while some driver uses it. */
  static of(file: string): FileTurns {
    let turns = FileTurns.byFile.get(file);
    if (!turns) FileTurns.byFile.set(file, (turns = new FileTurns()));
    turns.users++;
    return turns;
  }

  /** Ends one driver's use of `file`'s turns. */
  static leave(file: string): void {
    const turns = FileTurns.byFile.get(file);
    if (turns && --turns.users === 0) FileTurns.byFile.delete(file);
  }

  /** Waits for this connection's turn; answers the function that ends it. */
  async take(): Promise<() => void> {
    let end!: () => void;
    const before = this.tail;
    this.tail = new Promise<void>((done) => (end = done));
    await before;
    return end;
  }
}

class TakingTurnsSqliteDialect extends SqliteDialect {
  constructor(
    private readonly file: string,
    config: ConstructorParameters<typeof SqliteDialect>[0]
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new TakingTurnsDriver(super.createDriver(), this.file);
  }
}

/** Kysely's SQLite driver, holding the file's turn while a connection is acquired. */
class TakingTurnsDriver implements Driver {
  private turns: FileTurns | undefined;
  /** Ends the turn of the connection now acquired (Kysely's SQLite driver hands out one at a time). */
  private endTurn: (() => void) | undefined;

  constructor(
    private readonly inner: Driver,
    private readonly file: string
  ) {}

  async init(): Promise<void> {
    this.turns = FileTurns.of(this.file);
    await this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const end = await this.turns!.take();
    try {
      const connection = await this.inner.acquireConnection();
      this.endTurn = end;
      return connection;
    } catch (error) {
      end();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const end = this.endTurn;
    this.endTurn = undefined;
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      end?.();
    }
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) {
    await this.inner.savepoint!(connection, name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery']
  ) {
    await this.inner.rollbackToSavepoint!(connection, name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery']
  ) {
    await this.inner.releaseSavepoint!(connection, name, compile);
  }

  async destroy(): Promise<void> {
    if (this.turns) FileTurns.leave(this.file);
    this.turns = undefined;
    await this.inner.destroy();
  }
}
