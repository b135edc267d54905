import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { announce, hasPostgres, startPostgres, type PostgresServer } from '@auditlens/testkit';
import {
  MIGRATIONS_TABLE,
  NAMED_LOCK_SPACE,
  advisoryLock,
  databaseTarget,
  inWriteTransaction,
  migrate,
  openDatabase,
  type Database,
  type DatabaseTarget,
  type FeatureMigrations,
} from './database';

/** A feature with one table whose migrations log what they ran, in which dialect. */
function feature(name: string, ran: string[], steps = ['001-create', '002-column']): FeatureMigrations {
  const table = `${name}_things`;
  const all = {
    '001-create': async (db: Database['db']) => {
      await db.schema
        .createTable(table)
        .addColumn('id', 'text', (c) => c.primaryKey())
        .execute();
    },
    '002-column': async (db: Database['db']) => {
      await db.schema.alterTable(table).addColumn('label', 'text').execute();
    },
  } as const;
  return {
    feature: name,
    // Registered out of order: applied by name.
    migrations: [...steps].reverse().map((step) => ({
      name: step,
      up: async (db, dialect) => {
        ran.push(`${name}/${step}@${dialect}`);
        await all[step as keyof typeof all](db);
      },
    })),
  };
}

const kinds = ['sqlite', 'postgres'] as const;

describe.each(kinds)('openDatabase (%s)', (kind) => {
  const available = kind === 'sqlite' || hasPostgres();
  if (!available) {
    announce('openDatabase on Postgres: skipped, no Postgres binaries (apt-get install postgresql)');
    it.skip('needs Postgres', () => undefined);
    return;
  }
  let server: PostgresServer | undefined;
  let dir: string | undefined;
  let n = 0;
  const open: Database[] = [];
  let target: DatabaseTarget;
  beforeAll(async () => {
    if (kind === 'postgres') server = await startPostgres('openDatabase');
  }, 120_000);
  afterAll(async () => {
    await server?.dispose();
  });
  beforeEach(async () => {
    if (kind === 'sqlite') {
      dir = await mkdtemp(join(tmpdir(), 'auditlens-db-'));
      target = { dialect: 'sqlite', file: join(dir, 'db.sqlite') };
    } else {
      target = { dialect: 'postgres', url: await server!.createDatabase(`db_${process.pid}_${++n}`) };
    }
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((d) => d.close()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const opened = async (features: FeatureMigrations[]) => {
    const d = await openDatabase(target, { features });
    open.push(d);
    return d;
  };
  const recorded = async (d: Database) =>
    (
      await d.db
        .withTables<{ [MIGRATIONS_TABLE]: { feature: string; name: string } }>()
        .selectFrom(MIGRATIONS_TABLE)
        .select(['feature', 'name'])
        .orderBy('feature')
        .orderBy('name')
        .execute()
    ).map((r) => `${r.feature}/${r.name}`);

  it('applies each feature’s migrations once, in name order, in the dialect it names', async () => {
    const ran: string[] = [];
    const d = await opened([feature('jobs', ran), feature('cursors', ran)]);
    expect(d.dialect).toBe(kind);
    expect(ran).toEqual([
      `jobs/001-create@${kind}`,
      `jobs/002-column@${kind}`,
      `cursors/001-create@${kind}`,
      `cursors/002-column@${kind}`,
    ]);
    expect(await recorded(d)).toEqual([
      'cursors/001-create',
      'cursors/002-column',
      'jobs/001-create',
      'jobs/002-column',
    ]);
    await d.close();
    await d.close(); // safe twice
    const again = await opened([feature('jobs', ran), feature('cursors', ran)]);
    expect(ran).toHaveLength(4);
    // The tables are there, with the added column.
    const things = again.db.withTables<{ jobs_things: { id: string; label: string | null } }>();
    await things.insertInto('jobs_things').values({ id: 'a', label: 'x' }).execute();
    expect(await things.selectFrom('jobs_things').selectAll().execute()).toEqual([{ id: 'a', label: 'x' }]);
  });

  it('lets a feature add migrations later, and a process that knows only some features open the database', async () => {
    const ran: string[] = [];
    await (await opened([feature('jobs', ran, ['001-create'])])).close();
    const later = await opened([feature('jobs', ran), feature('counts', ran)]);
    expect(ran).toEqual([
      `jobs/001-create@${kind}`,
      `jobs/002-column@${kind}`,
      `counts/001-create@${kind}`,
      `counts/002-column@${kind}`,
    ]);
    // A job store opened alone knows only its own feature: the other's records do not stop it.
    const alone = await opened([feature('jobs', ran)]);
    expect(ran).toHaveLength(4);
    expect(await recorded(alone)).toHaveLength(4);
    await later.close();
  });

  it('applies none of a failed start’s migrations and says why', async () => {
    const ran: string[] = [];
    const broken: FeatureMigrations = {
      feature: 'broken',
      migrations: [
        { name: '001-ok', up: async (db) => void (await sql`CREATE TABLE broken_ok (id TEXT)`.execute(db)) },
        { name: '002-bad', up: async (db) => void (await sql`CREATE TABLE nope (`.execute(db)) },
      ],
    };
    await expect(opened([feature('jobs', ran), broken])).rejects.toThrow(/syntax|incomplete/i);
    const d = await opened([]);
    expect(await recorded(d)).toEqual([]);
    const tables = (await d.db.introspection.getTables()).map((t) => t.name);
    expect(tables).not.toContain('broken_ok');
    expect(tables).not.toContain('jobs_things');
  });

  it('refuses a migration registered twice', async () => {
    const twice: FeatureMigrations = {
      feature: 'x',
      migrations: [
        { name: '001', up: async () => undefined },
        { name: '001', up: async () => undefined },
      ],
    };
    await expect(opened([twice])).rejects.toThrow('migration x/001 is registered twice');
  });

  if (kind === 'postgres') {
    it('migrates once when replicas start together', async () => {
      const ran: string[] = [];
      const all = await Promise.all([1, 2, 3].map(() => opened([feature('jobs', ran)])));
      expect(ran).toEqual(['jobs/001-create@postgres', 'jobs/002-column@postgres']);
      expect(await recorded(all[0]!)).toEqual(['jobs/001-create', 'jobs/002-column']);
    });

    it('makes transactions with the same advisory lock wait for each other', async () => {
      const a = await opened([]);
      const b = await opened([]);
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const first = inWriteTransaction(a, async (trx) => {
        await advisoryLock(trx, a.dialect, NAMED_LOCK_SPACE, 'u-ann');
        locked();
        await held;
        order.push('first done');
      });
      await isLocked;
      const second = inWriteTransaction(b, async (trx) => {
        await advisoryLock(trx, b.dialect, NAMED_LOCK_SPACE, 'u-ann');
        order.push('second locked');
      });
      // Another name is not held up.
      await inWriteTransaction(b, async (trx) => {
        await advisoryLock(trx, b.dialect, NAMED_LOCK_SPACE, 'u-bob');
        order.push('other name');
      });
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(['other name', 'first done', 'second locked']);
    });
  }

  it('refuses a database it cannot open, saying why', async () => {
    const bad: DatabaseTarget =
      kind === 'sqlite'
        ? { dialect: 'sqlite', file: join(dir!, 'no', 'such', 'dir', 'db.sqlite') }
        : { dialect: 'postgres', url: `postgres://postgres@127.0.0.1:${server!.port}/no_such_database` };
    await expect(openDatabase(bad, { features: [feature('jobs', [])] })).rejects.toThrow(
      kind === 'sqlite' ? /unable to open/ : /no_such_database/
    );
  });
});

describe('databaseTarget', () => {
  it('names Postgres when DATABASE_URL is set, else jobs.sqlite in DATA_DIR', () => {
    expect(databaseTarget({ DATA_DIR: '/data', DATABASE_URL: 'postgres://h/db' })).toEqual({
      dialect: 'postgres',
      url: 'postgres://h/db',
    });
    expect(databaseTarget({ DATA_DIR: '/data', DATABASE_URL: undefined })).toEqual({
      dialect: 'sqlite',
      file: '/data/jobs.sqlite',
    });
  });
});

describe('migrate', () => {
  it('answers the migrations it applied', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'auditlens-db-'));
    const d = await openDatabase({ dialect: 'sqlite', file: join(dir, 'db.sqlite') });
    try {
      const ran: string[] = [];
      expect(await migrate(d, [feature('jobs', ran)])).toEqual(['jobs/001-create', 'jobs/002-column']);
      expect(await migrate(d, [feature('jobs', ran)])).toEqual([]);
    } finally {
      await d.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
