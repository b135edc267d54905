import type { LogType } from '@auditlens/contract';
import type { DeletionRequest } from './deletion-requests';
import { logTypesOfDeletion } from './deletion-requests';
import type { Kysely } from 'kysely';
import type { Database } from '../store/database';
import type { FollowerTables } from './follower-migrations';

const MINUTE_MS = 60_000;
const CHECKPOINT_STREAM = 'integrity_checkpoint';

/**
 * How long a querier of Loki 3.7 may still answer without a new delete request: it caches the list for 5 minutes
 * (`deleteRequestsClient`, `cacheDuration: 5 * time.Minute` in pkg/compactor/deletion/delete_requests_client.go).
 */
export const LOKI_DELETE_CACHE_MS = 5 * 60_000;

/** Told about delete requests that touch what consumers keep. */
export interface DeletionListener {
  /**
   * A new delete request (`key`) touches [fromMs, toMs) of `logTypes`: what was kept there may hold records Loki
   * no longer returns. Called once per request, before any minute is delivered again.
   */
  deleted(key: string, logTypes: readonly LogType[], fromMs: number, toMs: number): Promise<void>;
  /** The request's minutes were delivered again, read after every querier applies the deletion. */
  reproven(key: string, logTypes: readonly LogType[], fromMs: number, toMs: number): Promise<void>;
}

/** Options of {@link DeletionWatch}. */
export interface DeletionWatchOptions {
  /** How often the list is read, in ms. */
  readonly everyMs: number;
  /** How long after a request is created every querier applies it, in ms. Default {@link LOKI_DELETE_CACHE_MS}. */
  readonly queryCacheMs?: number;
  readonly logTypes: readonly LogType[];
}

/**
 * Watches Loki's delete requests for the follower. A new request is told to the listeners at once (the
 * integrity consumer then reads the minutes it covers from Loki at report time, as a full re-read does); once
 * the compactor processed it (it can no longer be cancelled) and every querier applies it, the follower delivers
 * its minutes again and the listeners are told. Each request is handled once, across replicas (the state is in
 * the service's database).
 */
export class DeletionWatch {
  private readonly listeners: DeletionListener[] = [];
  private lastCheckMs: number | undefined;
  private readonly db: Kysely<FollowerTables>;

  /** The watch over `list`, its state in `database` (which has had `FOLLOWER_MIGRATIONS`). */
  constructor(
    database: Database,
    private readonly list: () => Promise<DeletionRequest[]>,
    private readonly options: DeletionWatchOptions
  ) {
    this.db = database.db.withTables<FollowerTables>();
  }

  /** Adds a listener (before the follower starts). */
  listen(listener: DeletionListener): void {
    this.listeners.push(listener);
  }

  /**
   * Reads the list when `everyMs` passed since the last time (always with `force`), tells the listeners about
   * new requests, and delivers again, through `redeliver`, the minutes of processed ones.
   */
  async check(
    nowMs: number,
    redeliver: (logType: LogType, fromMs: number, toMs: number) => Promise<void>,
    force = false
  ): Promise<void> {
    if (!force && this.lastCheckMs !== undefined && nowMs - this.lastCheckMs < this.options.everyMs) return;
    this.lastCheckMs = nowMs;
    const requests = await this.list();
    const states = new Map(
      (await this.db.selectFrom('follower_deletions').select(['request_key', 'state']).execute()).map((r) => [
        r.request_key,
        r.state,
      ])
    );
    for (const r of requests) {
      const key = `${r.requestId}:${r.startMs}:${r.endMs}`;
      const logTypes = logTypesOfDeletion(r.query, this.options.logTypes, [CHECKPOINT_STREAM]);
      // Loki deletes [start, end] with end inclusive: every minute touched, rounded outwards.
      const fromMs = Math.floor(r.startMs / MINUTE_MS) * MINUTE_MS;
      const toMs = (Math.floor(r.endMs / MINUTE_MS) + 1) * MINUTE_MS;
      let state = states.get(key);
      if (state === undefined) {
        for (const l of this.listeners) await l.deleted(key, logTypes, fromMs, toMs);
        await this.setState(key, (state = 'marked'));
      }
      const applied = nowMs >= r.createdAtMs + (this.options.queryCacheMs ?? LOKI_DELETE_CACHE_MS);
      if (state === 'marked' && r.status === 'processed' && applied) {
        for (const logType of logTypes) await redeliver(logType, fromMs, toMs);
        for (const l of this.listeners) await l.reproven(key, logTypes, fromMs, toMs);
        await this.setState(key, 'reproven');
      }
    }
  }

  private async setState(key: string, state: string): Promise<void> {
    await this.db
      .insertInto('follower_deletions')
      .values({ request_key: key, state })
      .onConflict((oc) => oc.column('request_key').doUpdateSet((eb) => ({ state: eb.ref('excluded.state') })))
      .execute();
  }
}
