import type { LogType } from '@auditlens/contract';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database';
import type { FollowerTables } from './follower-migrations';

/** Where a consumer is for one log type: it keeps [startMs, cursorMs). */
export interface ConsumerCursor {
  readonly startMs: number;
  readonly cursorMs: number;
}

/**
 * The follower's lease (who follows) and its cursors, in the service's database (tables of
 * `FOLLOWER_MIGRATIONS`), shared by replicas.
 */
export class FollowerStore {
  private readonly db: Kysely<FollowerTables>;

  /** The store on an open database that has had `FOLLOWER_MIGRATIONS`; the database's owner closes it. */
  constructor(database: Database) {
    this.db = database.db.withTables<FollowerTables>();
  }

  /**
   * Takes or renews the lease `name` for `holder` until `untilMs`, unless another holder's lease runs past
   * `nowMs`; true when `holder` has it. One statement, so two replicas asking at once cannot both win.
   */
  async holdLease(name: string, holder: string, nowMs: number, untilMs: number): Promise<boolean> {
    await this.db
      .insertInto('follower_leases')
      .values({ name, holder, until_ms: untilMs })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet((eb) => ({ holder: eb.ref('excluded.holder'), until_ms: eb.ref('excluded.until_ms') }))
          .where((eb) =>
            eb.or([
              eb('follower_leases.holder', '=', eb.ref('excluded.holder')),
              eb('follower_leases.until_ms', '<', nowMs),
            ])
          )
      )
      .execute();
    const row = await this.db
      .selectFrom('follower_leases')
      .select('holder')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.holder === holder;
  }

  /** Gives the lease up (at shutdown), so another replica takes over without waiting for it to expire. */
  async releaseLease(name: string, holder: string): Promise<void> {
    await this.db
      .deleteFrom('follower_leases')
      .where('name', '=', name)
      .where('holder', '=', holder)
      .execute();
  }

  /** The cursor of `consumer` for `logType`, created at `startMs` when it has none. */
  async cursor(consumer: string, logType: LogType, startMs: number): Promise<ConsumerCursor> {
    await this.db
      .insertInto('follower_cursors')
      .values({ consumer, log_type: logType, start_ms: startMs, cursor_ms: startMs })
      .onConflict((oc) => oc.columns(['consumer', 'log_type']).doNothing())
      .execute();
    const row = await this.db
      .selectFrom('follower_cursors')
      .select(['start_ms', 'cursor_ms'])
      .where('consumer', '=', consumer)
      .where('log_type', '=', logType)
      .executeTakeFirstOrThrow();
    return { startMs: Number(row.start_ms), cursorMs: Number(row.cursor_ms) };
  }

  /** Moves the cursor forward to `cursorMs` (never back: a repeat of an older batch leaves it). */
  async advance(consumer: string, logType: LogType, cursorMs: number): Promise<void> {
    await this.db
      .updateTable('follower_cursors')
      .set({ cursor_ms: cursorMs })
      .where('consumer', '=', consumer)
      .where('log_type', '=', logType)
      .where('cursor_ms', '<', cursorMs)
      .execute();
  }

  /** Raises the start of what a consumer keeps (its older minutes expired). */
  async expireBefore(consumer: string, logType: LogType, startMs: number): Promise<void> {
    await this.db
      .updateTable('follower_cursors')
      .set((eb) => ({
        start_ms: startMs,
        cursor_ms: eb
          .case()
          .when('cursor_ms', '<', startMs)
          .then(startMs)
          .else(eb.ref('cursor_ms'))
          .end()
          .$castTo<number>(),
      }))
      .where('consumer', '=', consumer)
      .where('log_type', '=', logType)
      .where('start_ms', '<', startMs)
      .execute();
  }

  /** Every cursor, as read by any replica. */
  async cursors(): Promise<Array<{ consumer: string; logType: string } & ConsumerCursor>> {
    const rows = await this.db
      .selectFrom('follower_cursors')
      .select(['consumer', 'log_type', 'start_ms', 'cursor_ms'])
      .execute();
    return rows.map((r) => ({
      consumer: r.consumer,
      logType: r.log_type,
      startMs: Number(r.start_ms),
      cursorMs: Number(r.cursor_ms),
    }));
  }

  /** Where the re-proof sweep of `logType` is, or undefined before its first step. */
  async sweepAt(logType: LogType): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('follower_sweeps')
      .select('at_ms')
      .where('log_type', '=', logType)
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.at_ms);
  }

  /** Moves the re-proof sweep of `logType` to `atMs`. */
  async sweepTo(logType: LogType, atMs: number): Promise<void> {
    await this.db
      .insertInto('follower_sweeps')
      .values({ log_type: logType, at_ms: atMs })
      .onConflict((oc) => oc.column('log_type').doUpdateSet((eb) => ({ at_ms: eb.ref('excluded.at_ms') })))
      .execute();
  }
}
