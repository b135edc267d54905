import type { Logger } from 'pino';
import type { Config } from '../config';
import { databaseTarget, openDatabase, type Database, type FeatureMigrations } from './database';

/**
 * The configured database with `features`' migrations applied: Postgres when `DATABASE_URL` is set (any number
 * of replicas), else SQLite in `DATA_DIR`.
 */
export async function openServiceDatabase(
  config: Pick<Config, 'DATA_DIR' | 'DATABASE_URL' | 'DATABASE_MAX_CONNECTIONS'>,
  logger: Logger,
  features: readonly FeatureMigrations[]
): Promise<Database> {
  const target = databaseTarget(config);
  const database = await openDatabase(target, {
    features,
    maxConnections: config.DATABASE_MAX_CONNECTIONS,
    onConnectionError: (error) => logger.warn({ err: error }, 'a Postgres connection broke; it is replaced'),
  });
  if (target.dialect === 'postgres') {
    // The URL's password stays out of the log.
    const where = new URL(target.url);
    logger.info({ host: where.host, database: where.pathname.slice(1) }, 'database: Postgres');
  } else logger.info({ file: target.file }, 'database: SQLite');
  return database;
}
