import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import pino from 'pino';
import { createAuditEmitter } from '@auditlens/emitter';
import { createApp } from './app';
import { GrafanaExportPermissions } from './auth/export-permissions';
import { GrafanaUserDirectory } from './auth/grafana-users';
import { GrafanaIdTokenVerifier } from './auth/id-token';
import { auditOtlpOptions, loadConfig } from './config';
import { EXPORT_JOB_MIGRATIONS } from './exports/store/job-migrations';
import { SqlJobStore } from './exports/store/sql-job-store';
import { openServiceDatabase } from './store/open-service-database';
import { openExportFiles } from './exports/files/open-export-files';
import { ExportRunner } from './exports/export-runner';
import type { AuditRecorder } from './exports/audit-recorder';
import { lokiLanes } from './http/loki-lanes';
import { exportLimits, exportRunnerOptions } from './exports/export-settings';
import { SmtpMailer } from './exports/mail/mailer';
import { ServiceMetrics } from './http/metrics';
import { ExportManifests } from './exports/export-manifests';
import { createMetricsApp } from './http/metrics-app';
import { integritySettings } from './integrity/integrity-config';
import { RangeVerifications } from './integrity/range-verifications';
import { HttpLokiClient } from '@auditlens/loki';
import { FOLLOWER_MIGRATIONS } from './follower/follower-migrations';
import { openFollower } from './follower/open-follower';
import { INTEGRITY_PROOF_MIGRATIONS } from './integrity/proof-migrations';
import { COUNTS_MIGRATIONS } from './views/counts/counts-migrations';
import { openCounts } from './views/counts/open-counts';

/** Starts the service from the environment: listen, run exports, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({
    level: config.LOG_LEVEL,
    redact: ['req.headers["x-auditlens-secret"]', 'req.headers.authorization', 'req.headers["x-grafana-id"]'],
  });
  await mkdir(config.DATA_DIR, { recursive: true });
  // Every feature with tables registers its migrations here; they run at start, before anything reads.
  // The follower's, the proofs' and the counts' tables are made whether or not FOLLOW_ENABLED: a replica that
  // follows may share the database.
  const database = await openServiceDatabase(config, logger, [
    EXPORT_JOB_MIGRATIONS,
    FOLLOWER_MIGRATIONS,
    INTEGRITY_PROOF_MIGRATIONS,
    COUNTS_MIGRATIONS,
  ]);
  const store = new SqlJobStore(database, { leaseMs: config.EXPORT_LEASE_SECONDS * 1000 });
  const files = await openExportFiles(config);
  const metrics = new ServiceMetrics(() => store.countsByStatus());
  const lanes = lokiLanes(config, metrics);
  const exportLoki = lanes.exports;
  const integrity = integritySettings(config, (path) => readFileSync(path, 'utf8'));
  // The follower reads on the counts lane: never in the queue of rows or exports.
  const countsLoki = new HttpLokiClient({
    url: config.LOKI_URL,
    tenant: config.LOKI_TENANT,
    lane: 'counts',
    onRequest: metrics.observeLoki,
  });
  const following = openFollower(config, database, countsLoki, integrity, (error) =>
    logger.warn({ err: error }, 'follower: a round failed; the next one tries again')
  );
  // Other consumers register here, before start: the counts the pages' facets and charts are answered from.
  const counts = following ? await openCounts(database, following.follower) : undefined;
  const verification = { ...integrity.verification, keptFor: following?.keptProofs };
  const manifests = new ExportManifests({
    loki: exportLoki,
    keys: integrity.keys,
    signingKey: integrity.signingKey,
    files,
    verification,
  });
  logger.info(
    { checkpointKeys: integrity.keys.bindings(), manifestKey: integrity.signingKey.keyId },
    'integrity: checkpoint keys and manifest signing key loaded'
  );
  const otlp = auditOtlpOptions(config);
  const audit = otlp
    ? createAuditEmitter({
        ...otlp,
        onError: (e) => logger.warn({ kind: e.kind }, e.message),
        integrity: {
          signingKey: { keyId: integrity.signingKey.keyId, privateKey: integrity.signingKey.privateKey },
        },
      })
    : undefined;
  const recorder: AuditRecorder = audit ?? {
    activity: (event) =>
      logger.info({ audit: event.summary }, 'export recorded (no OTEL_EXPORTER_OTLP_ENDPOINT)'),
  };
  const authorizer = new GrafanaExportPermissions({
    grafanaUrl: config.GRAFANA_URL,
    token: config.GRAFANA_TOKEN,
  });
  const runner = new ExportRunner(
    {
      store,
      files,
      loki: exportLoki,
      mailer: new SmtpMailer(config.SMTP_URL, config.MAIL_FROM),
      recorder,
      authorizer,
      logger,
      onRows: (n) => metrics.rowsExported.inc(n),
      manifests,
    },
    exportRunnerOptions(config)
  );
  const app = createApp({
    secret: config.AUDITLENS_SHARED_SECRET,
    loki: lanes.pages,
    users: new GrafanaUserDirectory({ grafanaUrl: config.GRAFANA_URL, token: config.GRAFANA_TOKEN }),
    idTokens: new GrafanaIdTokenVerifier({
      grafanaUrl: config.GRAFANA_URL,
      issuer: config.GRAFANA_ROOT_URL,
      org: { orgId: config.GRAFANA_ORG_ID, stackId: config.GRAFANA_STACK_ID },
    }),
    requireIdToken: config.REQUIRE_ID_TOKEN,
    authorizer,
    store,
    files,
    logger,
    serviceName: config.LOKI_SERVICE_NAME,
    maxEntries: config.LOKI_MAX_ENTRIES,
    maxQuerySeries: config.LOKI_MAX_QUERY_SERIES,
    maxRangeDays: config.MAX_RANGE_DAYS,
    exportLimits: exportLimits(config),
    shareWindowMs: config.LOKI_SHARE_SECONDS * 1000,
    ratePerSecond: config.RATE_LIMIT_PER_SECOND,
    rateBurst: config.RATE_LIMIT_BURST,
    onExportQueued: () => runner.wake(),
    onMailRequested: () => runner.wake(),
    maxQueryLengthNs: config.LOKI_MAX_QUERY_LENGTH,
    integrity: {
      // Assembled from kept proofs plus the unsettled edge, read on the counts lane (not the exports').
      verifications: new RangeVerifications(
        following ? countsLoki : exportLoki,
        integrity.keys,
        verification
      ),
      manifests,
      signingKey: integrity.signingKey,
    },
    caching: {
      values: config.COUNT_CACHE_VALUES,
      settleMs: config.COUNT_SETTLE_MINUTES * 60_000,
      sampleTtlMs: config.FACET_SAMPLE_SECONDS * 1000,
    },
    keptCounts: counts,
  });
  runner.start();
  following?.follower.start();
  const server = app.listen(config.PORT, config.HOST, () =>
    logger.info({ port: config.PORT }, 'export service listening')
  );
  const metricsServer =
    config.METRICS_PORT === undefined
      ? undefined
      : createMetricsApp({ metrics, logger }).listen(config.METRICS_PORT, config.METRICS_HOST, () =>
          logger.info({ port: config.METRICS_PORT, host: config.METRICS_HOST }, 'metrics listening')
        );
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    server.close();
    metricsServer?.close();
    await runner.stop();
    await following?.close();
    await counts?.close();
    await audit?.shutdown();
    await database.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
