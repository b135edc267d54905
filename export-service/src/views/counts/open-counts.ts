import type { Follower } from '../../follower/follower';
import type { Database } from '../../store/database';
import { CountsConsumer } from './counts-consumer';
import { CountsStore } from './counts-store';
import type { KeptUntil } from './kept-counts';

/** The counts the service keeps: the store, and where they end per log type. */
export interface OpenCounts {
  readonly store: CountsStore;
  readonly keptUntil: KeptUntil;
}

/**
 * The counts store on the service's database (which has had `COUNTS_MIGRATIONS`), with its consumer registered
 * with `follower` (before the follower starts); what is kept ends at the consumer's cursor, read from the
 * database, so every replica answers from the same counts.
 */
export function openCounts(database: Database, follower: Follower): OpenCounts {
  const store = new CountsStore(database);
  const consumer = new CountsConsumer(store);
  follower.register(consumer);
  return {
    store,
    keptUntil: async (logType) => {
      const at = await follower.keptBy(consumer.name, logType);
      return at && at.cursorMs > at.startMs ? BigInt(at.cursorMs) * 1_000_000n : undefined;
    },
  };
}
