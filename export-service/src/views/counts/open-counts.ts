import type { Follower } from '../../follower/follower';
import type { Database } from '../../store/database';
import { CountsConsumer } from './counts-consumer';
import { CountsStore, type CountsReader } from './counts-store';
import type { KeptUntil } from './kept-counts';
import { WorkerCountsReader } from './worker-counts-reader';

/** The counts the service keeps: where the pages read them, where they end per log type, and the readers' end. */
export interface OpenCounts {
  readonly store: CountsReader;
  readonly keptUntil: KeptUntil;
  /** Ends the reading threads (SQLite); the database itself is its owner's to close. */
  close(): Promise<void>;
}

/**
 * The counts store on the service's database (which has had `COUNTS_MIGRATIONS`), with its consumer registered
 * with `follower` (before the follower starts); what is kept ends at the consumer's cursor, read from the
 * database, so every replica answers from the same counts. On SQLite the pages read them in worker threads
 * (`worker-counts-reader.ts`), started here and ready when this settles; Postgres answers them in its own
 * processes already.
 */
export async function openCounts(database: Database, follower: Follower): Promise<OpenCounts> {
  const store = new CountsStore(database);
  const consumer = new CountsConsumer(store);
  follower.register(consumer);
  const reader = database.file === undefined ? undefined : new WorkerCountsReader(database.file);
  await reader?.ready();
  return {
    store: reader ?? store,
    keptUntil: async (logType) => {
      const at = await follower.keptBy(consumer.name, logType);
      return at && at.cursorMs > at.startMs ? BigInt(at.cursorMs) * 1_000_000n : undefined;
    },
    close: async () => reader?.close(),
  };
}
