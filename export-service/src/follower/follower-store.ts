import type { LogType } from '@auditlens/contract';
import type { FollowerDb } from './follower-db';

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS follower_leases (
     name TEXT PRIMARY KEY, holder TEXT NOT NULL, until_ms BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS follower_cursors (
     consumer TEXT NOT NULL, log_type TEXT NOT NULL, start_ms BIGINT NOT NULL, cursor_ms BIGINT NOT NULL,
     PRIMARY KEY (consumer, log_type))`,
];

/** Where a consumer is for one log type: it keeps [startMs, cursorMs). */
export interface ConsumerCursor {
  readonly startMs: number;
  readonly cursorMs: number;
}

/** The follower's lease (who follows) and its cursors, in the job store's database, shared by replicas. */
export class FollowerStore {
  private constructor(readonly db: FollowerDb) {}

  /** Creates the tables when absent (both dialects), then the store. */
  static async open(db: FollowerDb): Promise<FollowerStore> {
    for (const sql of SCHEMA) await db.run(sql);
    return new FollowerStore(db);
  }

  /**
   * Takes or renews the lease `name` for `holder` until `untilMs`, unless another holder's lease runs past
   * `nowMs`; true when `holder` has it. One statement, so two replicas asking at once cannot both win.
   */
  async holdLease(name: string, holder: string, nowMs: number, untilMs: number): Promise<boolean> {
    await this.db.run(
      `INSERT INTO follower_leases (name, holder, until_ms) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
       WHERE follower_leases.holder = excluded.holder OR follower_leases.until_ms < ?`,
      [name, holder, untilMs, nowMs]
    );
    const rows = await this.db.all<{ holder: string }>('SELECT holder FROM follower_leases WHERE name = ?', [
      name,
    ]);
    return rows[0]?.holder === holder;
  }

  /** Gives the lease up (at shutdown), so another replica takes over without waiting for it to expire. */
  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db.run('DELETE FROM follower_leases WHERE name = ? AND holder = ?', [name, holder]);
  }

  /** The cursor of `consumer` for `logType`, created at `startMs` when it has none. */
  async cursor(consumer: string, logType: LogType, startMs: number): Promise<ConsumerCursor> {
    await this.db.run(
      `INSERT INTO follower_cursors (consumer, log_type, start_ms, cursor_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (consumer, log_type) DO NOTHING`,
      [consumer, logType, startMs, startMs]
    );
    const rows = await this.db.all<{ start_ms: number; cursor_ms: number }>(
      'SELECT start_ms, cursor_ms FROM follower_cursors WHERE consumer = ? AND log_type = ?',
      [consumer, logType]
    );
    return { startMs: Number(rows[0]!.start_ms), cursorMs: Number(rows[0]!.cursor_ms) };
  }

  /** Moves the cursor forward to `cursorMs` (never back: a repeat of an older batch leaves it). */
  async advance(consumer: string, logType: LogType, cursorMs: number): Promise<void> {
    await this.db.run(
      'UPDATE follower_cursors SET cursor_ms = ? WHERE consumer = ? AND log_type = ? AND cursor_ms < ?',
      [cursorMs, consumer, logType, cursorMs]
    );
  }

  /** Raises the start of what a consumer keeps (its older minutes expired). */
  async expireBefore(consumer: string, logType: LogType, startMs: number): Promise<void> {
    await this.db.run(
      `UPDATE follower_cursors SET start_ms = ?, cursor_ms = CASE WHEN cursor_ms < ? THEN ? ELSE cursor_ms END
       WHERE consumer = ? AND log_type = ? AND start_ms < ?`,
      [startMs, startMs, startMs, consumer, logType, startMs]
    );
  }

  /** Every cursor, as read by any replica. */
  async cursors(): Promise<Array<{ consumer: string; logType: string } & ConsumerCursor>> {
    const rows = await this.db.all<{
      consumer: string;
      log_type: string;
      start_ms: number;
      cursor_ms: number;
    }>('SELECT consumer, log_type, start_ms, cursor_ms FROM follower_cursors');
    return rows.map((r) => ({
      consumer: r.consumer,
      logType: r.log_type,
      startMs: Number(r.start_ms),
      cursorMs: Number(r.cursor_ms),
    }));
  }
}
