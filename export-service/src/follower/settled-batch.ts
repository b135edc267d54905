import type { LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';

/**
 * Every record of one log type whose timestamp is in [fromNs, toNs), unfiltered and in time order, read once
 * by the follower after the range settled. fromNs and toNs fall on whole minutes (UTC).
 */
export interface SettledBatch {
  readonly logType: LogType;
  /** Inclusive, ns since the epoch, a whole minute. */
  readonly fromNs: bigint;
  /** Exclusive, ns since the epoch, a whole minute. */
  readonly toNs: bigint;
  readonly entries: readonly LokiEntry[];
}

/** Keeps a summary of settled records (integrity proofs, counts) in the shared store. */
export interface SettledConsumer {
  /** Stable and unique: the follower keeps one cursor per consumer and log type. */
  readonly name: string;
  /**
   * Called once per batch, in time order per log type. A batch may be delivered again after a crash or a
   * take-over by another replica: keep per-minute (or per-period) rows and upsert, so a repeat changes nothing.
   */
  consume(batch: SettledBatch): Promise<void>;
  /** Forgets what is kept for minutes before `beforeNs` (retention follows Loki's). */
  expire(beforeNs: bigint): Promise<void>;
}
