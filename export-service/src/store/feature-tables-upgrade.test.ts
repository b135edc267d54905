// The follower's, the integrity proofs' and the kept counts' tables as their stores made them before they had
// migrations, opened with today's migrations: the rows stay and the stores read them, on SQLite and a real
// Postgres (testkit starts one; skipped where Postgres is not installed).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { announce, hasPostgres, startPostgres, type PostgresServer } from '@auditlens/testkit';
import { FollowerStore } from '../follower/follower-store';
import { ProofStore } from '../integrity/proof-store';
import { CountsStore } from '../views/counts/counts-store';
import { FOLLOWING_MIGRATIONS } from '../../test/support/following-database';
import { MIGRATIONS_TABLE, migrate, openDatabase, type DatabaseTarget } from './database';

// The statements `follower-store.ts`, `deletion-watch.ts`, `proof-store.ts` and `counts-store.ts` ran at every start
// in the release before (CREATE TABLE IF NOT EXISTS, one text for both dialects), with a few rows.
const RELEASE_BEFORE = [
  'CREATE TABLE IF NOT EXISTS follower_leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until_ms BIGINT NOT NULL)',
  `CREATE TABLE IF NOT EXISTS follower_cursors (consumer TEXT NOT NULL, log_type TEXT NOT NULL,
     start_ms BIGINT NOT NULL, cursor_ms BIGINT NOT NULL, PRIMARY KEY (consumer, log_type))`,
  'CREATE TABLE IF NOT EXISTS follower_sweeps (log_type TEXT PRIMARY KEY, at_ms BIGINT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS follower_deletions (request_key TEXT PRIMARY KEY, state TEXT NOT NULL)',
  `CREATE TABLE IF NOT EXISTS integrity_minutes (log_type TEXT NOT NULL, minute_ms BIGINT NOT NULL, proof TEXT,
     PRIMARY KEY (log_type, minute_ms))`,
  `CREATE TABLE IF NOT EXISTS integrity_checkpoints (log_type TEXT NOT NULL, minute_ms BIGINT NOT NULL,
     entries TEXT NOT NULL, PRIMARY KEY (log_type, minute_ms))`,
  `CREATE TABLE IF NOT EXISTS integrity_reread (log_type TEXT NOT NULL, mark TEXT NOT NULL, from_ms BIGINT NOT NULL,
     to_ms BIGINT NOT NULL, PRIMARY KEY (log_type, mark))`,
  `CREATE TABLE IF NOT EXISTS kept_counts (log_type TEXT NOT NULL, field TEXT NOT NULL, grain TEXT NOT NULL,
     period BIGINT NOT NULL, action TEXT NOT NULL, value TEXT NOT NULL, n BIGINT NOT NULL, at_start BIGINT NOT NULL,
     PRIMARY KEY (log_type, field, grain, period, action, value))`,
  'CREATE INDEX IF NOT EXISTS kept_counts_by_period ON kept_counts (log_type, grain, period)',
  `CREATE TABLE IF NOT EXISTS kept_minutes (log_type TEXT NOT NULL, minute BIGINT NOT NULL, events BIGINT NOT NULL,
     PRIMARY KEY (log_type, minute))`,
  // A lease held by a replica until far in the future, a cursor, a sweep, a kept minute without proof, a mark.
  "INSERT INTO follower_leases VALUES ('settled-follower', 'replica-a', 4102444800000)",
  "INSERT INTO follower_cursors VALUES ('counts', 'access', 1700000000000, 1700000600000)",
  "INSERT INTO follower_sweeps VALUES ('access', 1700000300000)",
  "INSERT INTO integrity_minutes VALUES ('access', 1700000040000, NULL)",
  "INSERT INTO integrity_reread VALUES ('access', 'req-1', 1700000000000, 1700000120000)",
  // 7 logins of ann in minute 28333334 (and its ten minutes, hour and day), a kept minute of 7 events.
  "INSERT INTO kept_counts VALUES ('access', 'user', 'm', 28333334, 'login', 'ann', 7, 0)",
  "INSERT INTO kept_counts VALUES ('access', 'user', 't', 28333330, 'login', 'ann', 7, 0)",
  "INSERT INTO kept_counts VALUES ('access', 'user', 'h', 28333320, 'login', 'ann', 7, 0)",
  "INSERT INTO kept_counts VALUES ('access', 'user', 'd', 28332000, 'login', 'ann', 7, 0)",
  "INSERT INTO kept_minutes VALUES ('access', 28333334, 7)",
  // A field of many values: 3 logins and 2 failures of one address in the same minute, and its hour.
  "INSERT INTO kept_counts VALUES ('access', 'client_address', 'm', 28333334, 'login', '10.0.0.1', 3, 1)",
  "INSERT INTO kept_counts VALUES ('access', 'client_address', 'm', 28333334, 'login_failed', '10.0.0.1', 2, 0)",
  "INSERT INTO kept_counts VALUES ('access', 'client_address', 'h', 28333320, 'login', '10.0.0.1', 3, 0)",
  "INSERT INTO kept_counts VALUES ('access', 'client_address', 'h', 28333320, 'login_failed', '10.0.0.1', 2, 0)",
];

describe.each(['sqlite', 'postgres'] as const)('the tables of the release before (%s)', (kind) => {
  const available = kind === 'sqlite' || hasPostgres();
  if (!available) {
    announce(
      'feature tables upgrade on Postgres: skipped, no Postgres binaries (apt-get install postgresql)'
    );
    it.skip('needs Postgres', () => undefined);
    return;
  }
  let server: PostgresServer | undefined;
  let dir: string | undefined;
  let target: DatabaseTarget;
  beforeAll(async () => {
    if (kind === 'postgres') {
      server = await startPostgres('feature tables upgrade');
      target = { dialect: 'postgres', url: await server.createDatabase('feature_tables_upgrade') };
    } else {
      dir = await mkdtemp(join(tmpdir(), 'feature-tables-'));
      target = { dialect: 'sqlite', file: join(dir, 'jobs.sqlite') };
    }
  }, 120_000);
  afterAll(async () => {
    await server?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps their rows, records the migrations once, and the stores read and change them as before', async () => {
    const before = await openDatabase(target);
    for (const statement of RELEASE_BEFORE) await sql.raw(statement).execute(before.db);
    await before.close();

    const database = await openDatabase(target, { features: FOLLOWING_MIGRATIONS });
    try {
      const recorded = await sql<{
        feature: string;
        name: string;
      }>`SELECT feature, name FROM ${sql.table(MIGRATIONS_TABLE)}`.execute(database.db);
      expect(recorded.rows.map((r) => r.feature).sort()).toEqual([
        'counts',
        'counts',
        'counts',
        'follower',
        'integrity',
      ]);
      expect(recorded.rows.map((r) => r.name)).toContain('002-kept-counts-covering-index');
      // A dropdown's sum over kept periods reads `n` from the index, not from each row of the table.
      if (kind === 'sqlite') {
        const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT value, n FROM kept_counts
          WHERE log_type = 'access' AND field = 'user' AND grain = 'm' AND period >= 1 AND period < 9`.execute(
          database.db
        );
        expect(plan.rows.map((r) => r.detail).join('\n')).toContain(
          'USING COVERING INDEX kept_counts_covering'
        );
      } else {
        const indexes = await sql<{
          indexname: string;
        }>`SELECT indexname FROM pg_indexes WHERE tablename = 'kept_counts'`.execute(database.db);
        expect(indexes.rows.map((r) => r.indexname)).toContain('kept_counts_covering');
      }
      expect(await migrate(database, FOLLOWING_MIGRATIONS)).toEqual([]);

      const follower = new FollowerStore(database);
      expect(await follower.cursors()).toEqual([
        { consumer: 'counts', logType: 'access', startMs: 1700000000000, cursorMs: 1700000600000 },
      ]);
      expect(await follower.sweepAt('access')).toBe(1700000300000);
      // The lease of replica-a still runs: replica-b does not get it, replica-a renews it.
      expect(await follower.holdLease('settled-follower', 'replica-b', Date.now(), Date.now() + 30_000)).toBe(
        false
      );
      expect(await follower.holdLease('settled-follower', 'replica-a', Date.now(), Date.now() + 30_000)).toBe(
        true
      );
      // Cursors never move back; expiring raises the start and drags the cursor along only when behind.
      await follower.advance('counts', 'access', 1700000300000);
      await follower.expireBefore('counts', 'access', 1700000060000);
      expect(await follower.cursor('counts', 'access', 0)).toEqual({
        startMs: 1700000060000,
        cursorMs: 1700000600000,
      });

      const proofs = new ProofStore(database);
      expect(await proofs.minutes('access', 1700000000000, 1700000120000)).toEqual([
        { minuteMs: 1700000040000, proof: undefined },
      ]);
      expect(await proofs.readAgain('access', 1700000060000, 1700000600000)).toEqual([
        { fromMs: 1700000000000, toMs: 1700000120000 },
      ]);

      const counts = new CountsStore(database);
      expect(await counts.keptMinutes('access')).toEqual({ first: 28333334, last: 28333334, count: 1 });
      const hour = { grain: 'h', from: 28333320, to: 28333380 } as const;
      expect(await counts.valueCounts('access', 'user', undefined, [hour], 10)).toEqual([
        { value: 'ann', count: 7 },
      ]);
      // The address's counts over all actions, summed from its actions' rows by the migration, answer a dropdown
      // without an action filter; with one, its action's rows do.
      const allActions = await sql<{ grain: string; n: number | string; at_start: number | string }>`
        SELECT grain, n, at_start FROM kept_counts WHERE field = 'client_address' AND action = '*' ORDER BY grain`.execute(
        database.db
      );
      expect(allActions.rows.map((r) => [r.grain, Number(r.n), Number(r.at_start)])).toEqual([
        ['h', 5, 0],
        ['m', 5, 1],
      ]);
      for (const span of [hour, { grain: 'm', from: 28333334, to: 28333335 }] as const) {
        expect(await counts.valueCounts('access', 'client_address', undefined, [span], 10)).toEqual([
          { value: '10.0.0.1', count: 5 },
        ]);
        expect(await counts.valueCounts('access', 'client_address', 'login_failed', [span], 10)).toEqual([
          { value: '10.0.0.1', count: 2 },
        ]);
      }
      // The same minute counted again with 2 more events (one of bob): its ten minutes, hour and day follow.
      await counts.replaceMinutes('access', {
        fromMinute: 28333334,
        toMinute: 28333335,
        rows: [
          { period: 28333334, field: 'user', action: 'login', value: 'ann', n: 8, atStart: 0 },
          { period: 28333334, field: 'user', action: 'login', value: 'bob', n: 1, atStart: 0 },
        ],
        events: new Map([[28333334, 9]]),
      });
      for (const span of [
        { grain: 'm', from: 28333334, to: 28333335 },
        { grain: 't', from: 28333330, to: 28333340 },
        hour,
        { grain: 'd', from: 28332000, to: 28333440 },
      ] as const)
        expect(await counts.valueCounts('access', 'user', 'login', [span], 10)).toEqual([
          { value: 'ann', count: 8 },
          { value: 'bob', count: 1 },
        ]);
    } finally {
      await database.close();
    }
  }, 120_000);
});
