import { join } from 'node:path';
import type { Config } from '../../config';
import type { Follower } from '../../follower/follower';
import { CountsConsumer } from './counts-consumer';
import { CountsStore } from './counts-store';
import type { KeptUntil } from './kept-counts';
import { PostgresRunner } from './postgres-runner';
import { SqliteRunner } from './sqlite-runner';

/** The counts the service keeps: the store, where they end per log type, and a way to close them. */
export interface OpenCounts {
  readonly store: CountsStore;
  readonly keptUntil: KeptUntil;
  close(): Promise<void>;
}

/**
 * Opens the counts store in the job store's database (Postgres with `DATABASE_URL`, else `DATA_DIR/jobs.sqlite`)
 * and registers its consumer with `follower` (before the follower starts); what is kept ends at the consumer's
 * cursor, read from the database, so every replica answers from the same counts.
 */
export async function openCounts(
  config: Pick<Config, 'DATA_DIR' | 'DATABASE_URL'>,
  follower: Follower,
  onConnectionError?: (error: Error) => void
): Promise<OpenCounts> {
  const db = config.DATABASE_URL
    ? PostgresRunner.connect(config.DATABASE_URL, 4, onConnectionError)
    : new SqliteRunner(join(config.DATA_DIR, 'jobs.sqlite'));
  const store = await CountsStore.open(db);
  const consumer = new CountsConsumer(store);
  follower.register(consumer);
  return {
    store,
    keptUntil: async (logType) => {
      const at = await follower.keptBy(consumer.name, logType);
      return at && at.cursorMs > at.startMs ? BigInt(at.cursorMs) * 1_000_000n : undefined;
    },
    close: () => store.close(),
  };
}
