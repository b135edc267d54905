import { FOLLOWER_MIGRATIONS } from '../../src/follower/follower-migrations';
import { INTEGRITY_PROOF_MIGRATIONS } from '../../src/integrity/proof-migrations';
import { openDatabase, type Database, type DatabaseTarget } from '../../src/store/database';
import { COUNTS_MIGRATIONS } from '../../src/views/counts/counts-migrations';

/** The migrations of the follower and its consumers (integrity proofs, kept counts), as `server.ts` registers them. */
export const FOLLOWING_MIGRATIONS = [FOLLOWER_MIGRATIONS, INTEGRITY_PROOF_MIGRATIONS, COUNTS_MIGRATIONS];

/**
 * Opens the database at `target` (a SQLite file's path, or a Postgres target) with the follower's and its
 * consumers' tables, as the service opens it; one call is one process's (a replica's) connection.
 */
export function openFollowingDatabase(target: string | DatabaseTarget): Promise<Database> {
  return openDatabase(typeof target === 'string' ? { dialect: 'sqlite', file: target } : target, {
    features: FOLLOWING_MIGRATIONS,
  });
}
