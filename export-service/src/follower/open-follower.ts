import { join } from 'node:path';
import type { LokiClient } from '@auditlens/loki';
import type { LogType } from '@auditlens/contract';
import type { Config } from '../config';
import type { IntegritySettings } from '../integrity/integrity-config';
import { ProofKeeper } from '../integrity/proof-keeper';
import { ProofStore } from '../integrity/proof-store';
import type { KeptProofs } from '../integrity/verify-range';
import { Follower } from './follower';
import { PostgresFollowerDb, SqliteFollowerDb, type FollowerDb } from './follower-db';
import { FollowerStore } from './follower-store';

/** The follower of the service with its integrity consumer registered, and where that consumer's proofs are. */
export interface Following {
  readonly follower: Follower;
  readonly db: FollowerDb;
  /** The integrity consumer's proofs of a log type, for verifyRange's `keptFor`. */
  readonly keptProofs: (logType: LogType) => Promise<KeptProofs | undefined>;
  /** Stops following and closes the database connection. */
  close(): Promise<void>;
}

/**
 * Opens the follower on the job store's database (Postgres with `DATABASE_URL`, else `DATA_DIR/jobs.sqlite`)
 * and registers the integrity consumer; undefined with `FOLLOW_ENABLED=false`. Not started: register other
 * consumers first, then `follower.start()`.
 */
export async function openFollower(
  config: Config,
  loki: LokiClient,
  integrity: IntegritySettings,
  onError: (error: unknown) => void
): Promise<Following | undefined> {
  if (!config.FOLLOW_ENABLED) return undefined;
  const db: FollowerDb = config.DATABASE_URL
    ? new PostgresFollowerDb(config.DATABASE_URL)
    : new SqliteFollowerDb(join(config.DATA_DIR, 'jobs.sqlite'));
  const store = await FollowerStore.open(db);
  const proofs = await ProofStore.open(db);
  const follower = new Follower(loki, store, {
    settleMs: config.FOLLOW_SETTLE_SECONDS * 1000,
    batchMinutes: config.FOLLOW_BATCH_MINUTES,
    rereadMinutes: config.FOLLOW_REREAD_MINUTES,
    ...(config.FOLLOW_START ? { startMs: Date.parse(config.FOLLOW_START) } : {}),
    retentionMs: config.FOLLOW_RETENTION_DAYS * 86_400_000,
    leaseMs: config.FOLLOW_LEASE_SECONDS * 1000,
    pollMs: config.FOLLOW_POLL_SECONDS * 1000,
    serviceName: config.LOKI_SERVICE_NAME,
    pageSize: config.LOKI_MAX_ENTRIES,
    onError,
  });
  const keeper = new ProofKeeper(loki, integrity.keys, proofs, { serviceName: config.LOKI_SERVICE_NAME });
  follower.register(keeper);
  return {
    follower,
    db,
    keptProofs: async (logType) => {
      const at = await follower.keptBy(keeper.name, logType);
      return at && at.cursorMs > at.startMs
        ? { store: proofs, fromMs: at.startMs, toMs: at.cursorMs }
        : undefined;
    },
    close: async () => {
      await follower.stop();
      await db.close();
    },
  };
}
