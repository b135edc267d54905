import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { useTempDir } from '../../test/support/temp-dir';
import { NodeSqliteDatabase, nodeSqliteDialect } from './node-sqlite-dialect';

interface Tables {
  items: { id: number; name: string; done: number };
}

describe('NodeSqliteDatabase: node:sqlite in the shape of Kysely’s SQLite driver', () => {
  const dir = useTempDir('node-sqlite-');

  it('flags statements that return rows as readers, and binds parameters given as an array', () => {
    const db = new NodeSqliteDatabase(new DatabaseSync(':memory:'));
    expect(db.prepare('CREATE TABLE t (a INTEGER, b TEXT)').reader).toBe(false);
    db.prepare('CREATE TABLE t (a INTEGER, b TEXT)').run([]);
    const insert = db.prepare('INSERT INTO t (a, b) VALUES (?, ?)');
    expect(insert.reader).toBe(false);
    expect(insert.run([1, 'one'])).toMatchObject({ changes: 1, lastInsertRowid: 1 });
    insert.run([2, 'two']);
    expect(db.prepare('SELECT a, b FROM t WHERE a > ?').reader).toBe(true);
    expect(db.prepare('SELECT a, b FROM t WHERE a > ? ORDER BY a').all([0])).toEqual([
      { a: 1, b: 'one' },
      { a: 2, b: 'two' },
    ]);
    // An update with RETURNING gives rows, so Kysely must read it with all().
    const returning = db.prepare("UPDATE t SET b = 'x' WHERE a = ? RETURNING a, b");
    expect(returning.reader).toBe(true);
    expect(returning.all([2])).toEqual([{ a: 2, b: 'x' }]);
    expect([...db.prepare('SELECT a FROM t WHERE b = ? ORDER BY a').iterate(['x'])]).toEqual([{ a: 2 }]);
    db.close();
    db.close(); // a second close is harmless
  });

  it('stores booleans as 0 and 1 and names a parameter it cannot store', () => {
    const db = new NodeSqliteDatabase(new DatabaseSync(':memory:'));
    expect(db.prepare('SELECT ? AS t, ? AS f').all([true, false])).toEqual([{ t: 1, f: 0 }]);
    expect(() => db.prepare('SELECT ?, ?').all([1, { a: 1 }])).toThrow(/parameter 2 \(object\)/);
    db.close();
  });

  it('runs Kysely queries on a file: inserts, updates counted, RETURNING, streams, transactions', async () => {
    const file = join(dir(), 'k.sqlite');
    let opened = 0;
    const db = new Kysely<Tables>({ dialect: nodeSqliteDialect(file, () => void opened++) });
    await db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db
      .insertInto('items')
      .values([
        { id: 1, name: 'a', done: 0 },
        { id: 2, name: 'b', done: 0 },
        { id: 3, name: 'c', done: 1 },
      ])
      .execute();
    const updated = await db.updateTable('items').set({ done: 1 }).where('done', '=', 0).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(2n);
    const back = await db
      .updateTable('items')
      .set({ name: 'z' })
      .where('id', '=', 3)
      .returning(['id', 'name'])
      .execute();
    expect(back).toEqual([{ id: 3, name: 'z' }]);
    const streamed: number[] = [];
    for await (const row of db.selectFrom('items').select('id').orderBy('id').stream()) streamed.push(row.id);
    expect(streamed).toEqual([1, 2, 3]);
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.deleteFrom('items').execute();
        throw new Error('undo');
      })
    ).rejects.toThrow('undo');
    const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM items`.execute(db);
    expect(rows).toEqual([{ n: 3 }]);
    await db.destroy();
    expect(opened).toBe(1);
    // What Kysely wrote is in the file for the next process.
    const again = new DatabaseSync(file);
    expect(again.prepare('SELECT name FROM items ORDER BY id').all()).toEqual([
      { name: 'a' },
      { name: 'b' },
      { name: 'z' },
    ]);
    again.close();
  });
});

describe('nodeSqliteDialect: connections of one process to one file take turns', () => {
  const dir = useTempDir('node-sqlite-turns-');

  it('lets a second connection write while the first is in a transaction that awaits, without "database is locked"', async () => {
    const file = join(dir(), 't.sqlite');
    const busy = (d: DatabaseSync) => d.exec('PRAGMA busy_timeout = 200');
    const a = new Kysely<Tables>({ dialect: nodeSqliteDialect(file, busy) });
    const b = new Kysely<Tables>({ dialect: nodeSqliteDialect(file, busy) });
    await a.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .addColumn('done', 'integer')
      .execute();
    const order: string[] = [];
    let inside!: () => void;
    const isInside = new Promise<void>((r) => (inside = r));
    const first = a.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 1, name: 'a', done: 0 }).execute();
      inside();
      // Longer than the busy timeout: without turns, b's write would fail meanwhile.
      await new Promise((r) => setTimeout(r, 400));
      order.push('a committed');
    });
    await isInside;
    await b.insertInto('items').values({ id: 2, name: 'b', done: 0 }).execute();
    order.push('b wrote');
    await first;
    expect(order).toEqual(['a committed', 'b wrote']);
    expect(await b.selectFrom('items').select('id').orderBy('id').execute()).toEqual([{ id: 1 }, { id: 2 }]);
    await a.destroy();
    await b.destroy();
  });
});
