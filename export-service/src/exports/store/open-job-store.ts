import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { JobStore } from './job-store';
import { PostgresJobStore } from './postgres-job-store';
import { SqliteJobStore } from './sqlite-job-store';

/** The configured job store: Postgres when `DATABASE_URL` is set (any number of replicas), else SQLite in `DATA_DIR`. */
export async function openJobStore(
  config: Pick<Config, 'DATA_DIR' | 'DATABASE_URL' | 'DATABASE_MAX_CONNECTIONS' | 'EXPORT_LEASE_SECONDS'>,
  logger: Logger
): Promise<JobStore> {
  const leaseMs = config.EXPORT_LEASE_SECONDS * 1000;
  if (!config.DATABASE_URL) return new SqliteJobStore(join(config.DATA_DIR, 'jobs.sqlite'), { leaseMs });
  const store = await PostgresJobStore.open(config.DATABASE_URL, {
    leaseMs,
    maxConnections: config.DATABASE_MAX_CONNECTIONS,
    onConnectionError: (error) => logger.warn({ err: error }, 'a Postgres connection broke; it is replaced'),
  });
  // The URL's password stays out of the log.
  const where = new URL(config.DATABASE_URL);
  logger.info({ host: where.host, database: where.pathname.slice(1) }, 'export jobs in Postgres');
  return store;
}
