import type { LokiClient } from '@auditlens/loki';
import type { LogType } from '@auditlens/contract';
import type { Config } from '../config';
import type { IntegritySettings } from '../integrity/integrity-config';
import { ProofKeeper } from '../integrity/proof-keeper';
import { ProofStore } from '../integrity/proof-store';
import type { KeptProofs } from '../integrity/verify-range';
import { LOG_TYPES } from '@auditlens/contract';
import { listDeletionRequests } from './deletion-requests';
import { DeletionWatch } from './deletion-watch';
import { Follower } from './follower';
import { FollowerStore } from './follower-store';
import type { Database } from '../store/database';

/** The follower of the service with its integrity consumer registered, and where that consumer's proofs are. */
export interface Following {
  readonly follower: Follower;
  /** The integrity consumer's proofs of a log type, for verifyRange's `keptFor`. */
  readonly keptProofs: (logType: LogType) => Promise<KeptProofs | undefined>;
  /** Stops following (the database stays open: its owner closes it). */
  close(): Promise<void>;
}

/**
 * Opens the follower on the service's database (which has had `FOLLOWER_MIGRATIONS` and
 * `INTEGRITY_PROOF_MIGRATIONS`) and registers the integrity consumer; undefined with `FOLLOW_ENABLED=false`. Not started: register other
 * consumers first, then `follower.start()`.
 */
export function openFollower(
  config: Config,
  database: Database,
  loki: LokiClient,
  integrity: IntegritySettings,
  onError: (error: unknown) => void
): Following | undefined {
  if (!config.FOLLOW_ENABLED) return undefined;
  const store = new FollowerStore(database);
  const proofs = new ProofStore(database);
  const deletions =
    config.FOLLOW_DELETIONS_POLL_SECONDS > 0
      ? new DeletionWatch(
          database,
          () => listDeletionRequests(config.LOKI_URL, { tenant: config.LOKI_TENANT }),
          {
            everyMs: config.FOLLOW_DELETIONS_POLL_SECONDS * 1000,
            logTypes: LOG_TYPES,
          }
        )
      : undefined;
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
    ...(deletions ? { deletions } : {}),
    reproveMinutesPerHour: config.FOLLOW_REPROVE_MINUTES_PER_HOUR,
    onError,
  });
  const keeper = new ProofKeeper(loki, integrity.keys, proofs, { serviceName: config.LOKI_SERVICE_NAME });
  follower.register(keeper);
  deletions?.listen(keeper.deletionListener());
  return {
    follower,
    keptProofs: async (logType) => {
      const at = await follower.keptBy(keeper.name, logType);
      return at && at.cursorMs > at.startMs
        ? { store: proofs, fromMs: at.startMs, toMs: at.cursorMs }
        : undefined;
    },
    close: () => follower.stop(),
  };
}
