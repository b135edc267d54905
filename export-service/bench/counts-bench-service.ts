// The service's app as `server.ts` builds it, in a process of its own (forked by counts-bench.ts), over a data
// folder where the follower has caught up: SQLite job store and kept counts in DATA_DIR/jobs.sqlite, the
// follower's cursors read from there (not started: the bench's follower did the reading). Tells its parent the
// port, and on request the Loki queries it made per lane.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino from 'pino';
import { HttpLokiClient, type LokiClient } from '@auditlens/loki';
import { createApp } from '../src/app';
import type { UserDirectory } from '../src/auth/grafana-users';
import { DirectoryExportFiles } from '../src/exports/files/directory-export-files';
import { EXPORT_JOB_MIGRATIONS } from '../src/exports/store/job-migrations';
import { SqlJobStore } from '../src/exports/store/sql-job-store';
import { Follower } from '../src/follower/follower';
import { FOLLOWER_MIGRATIONS } from '../src/follower/follower-migrations';
import { FollowerStore } from '../src/follower/follower-store';
import { requestSignal } from '../src/http/request-signal';
import { SheddingLokiClient } from '../src/http/shedding-loki-client';
import { INTEGRITY_PROOF_MIGRATIONS } from '../src/integrity/proof-migrations';
import { databaseTarget, openDatabase } from '../src/store/database';
import { COUNTS_MIGRATIONS } from '../src/views/counts/counts-migrations';
import { openCounts } from '../src/views/counts/open-counts';

const [lokiUrl, dataDir, secret, kept] = process.argv.slice(2) as [string, string, string, string];

/** Counts the queries asked of Loki, per lane, and the slowest answer's seconds. */
class CountingLoki implements LokiClient {
  readonly asked: Record<string, number> = {};
  constructor(private readonly inner: LokiClient) {}
  private async count<T>(lane: string | undefined, answer: () => Promise<T>): Promise<T> {
    const name = lane ?? 'none';
    this.asked[name] = (this.asked[name] ?? 0) + 1;
    const t0 = performance.now();
    try {
      return await answer();
    } finally {
      const slowest = `${name} slowest ms`;
      this.asked[slowest] = Math.max(this.asked[slowest] ?? 0, Math.round(performance.now() - t0));
    }
  }
  queryLogs: LokiClient['queryLogs'] = (p) => this.count(p.lane, () => this.inner.queryLogs(p));
  queryMetrics: LokiClient['queryMetrics'] = (p) => this.count(p.lane, () => this.inner.queryMetrics(p));
  queryInstant: LokiClient['queryInstant'] = (p) => this.count(p.lane, () => this.inner.queryInstant(p));
  ready: LokiClient['ready'] = (s) => this.inner.ready(s);
}

const users: UserDirectory = {
  lookup: async (login) =>
    login === 'ops' ? { uid: 'u-ops', login, email: 'ops@acme.test', name: 'Ops' } : undefined,
};

async function main(): Promise<void> {
  const counting = new CountingLoki(new HttpLokiClient({ url: lokiUrl }));
  const loki = new SheddingLokiClient(counting, { shareMs: 5000, ambientSignal: requestSignal });
  // One database for the jobs, the follower and the counts, as server.ts opens it.
  const database = await openDatabase(databaseTarget({ DATA_DIR: dataDir }), {
    features: [EXPORT_JOB_MIGRATIONS, FOLLOWER_MIGRATIONS, INTEGRITY_PROOF_MIGRATIONS, COUNTS_MIGRATIONS],
  });
  const follower = new Follower(loki, new FollowerStore(database), {
    settleMs: 60_000,
    batchMinutes: 5,
    rereadMinutes: 0,
    retentionMs: 31 * 86_400_000,
    leaseMs: 30_000,
    pollMs: 1000,
  });
  const counts = kept === 'kept' ? await openCounts(database, follower) : undefined;
  const store = new SqlJobStore(database);
  const app = createApp({
    secret,
    loki,
    users,
    store,
    files: new DirectoryExportFiles(join(dataDir, 'files')),
    logger: pino({ level: 'silent' }),
    maxEntries: 5000,
    maxRangeDays: 366,
    shareWindowMs: 5000,
    ratePerSecond: 1000,
    rateBurst: 1000,
    caching: { values: 200_000, settleMs: 600_000, sampleTtlMs: 60_000 },
    keptCounts: counts,
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  // How long the event loop was busy answering (JSON, SQLite reads: node:sqlite is synchronous), from here on.
  const idle = performance.eventLoopUtilization();
  process.on('message', (message) => {
    if (message === 'asked')
      process.send?.({
        asked: {
          ...counting.asked,
          'event loop busy ms': Math.round(performance.eventLoopUtilization(idle).active),
        },
      });
    if (message === 'stop') {
      server.closeAllConnections();
      server.close(
        () =>
          void (async () => {
            await counts?.close();
            await database.close();
            process.exit(0);
          })()
      );
    }
  });
  process.send?.({ port: (server.address() as AddressInfo).port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
