import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import pino from 'pino';
import { createAuditEmitter } from '@auditlens/emitter';
import { createApp } from './app';
import { GrafanaExportPermissions } from './auth/export-permissions';
import { GrafanaUserDirectory } from './auth/grafana-users';
import { GrafanaIdTokenVerifier } from './auth/id-token';
import { auditOtlpOptions, loadConfig } from './config';
import { openJobStore } from './db/open-job-store';
import { openExportFiles } from './files/open-export-files';
import { ExportRunner } from './jobs/export-runner';
import type { AuditRecorder } from './jobs/audit-recorder';
import { HttpLokiClient } from './loki/http-client';
import { SheddingLokiClient } from './limits/shedding-loki-client';
import { SmtpMailer } from './mail/mailer';
import { ServiceMetrics } from './metrics/metrics';
import { createMetricsApp } from './metrics/metrics-app';
import { ExportManifests } from './integrity/export-manifests';
import { integritySettings } from './integrity/integrity-config';
import { RangeVerifications } from './integrity/range-verifications';

/** Starts the service from the environment: listen, run exports, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({
    level: config.LOG_LEVEL,
    redact: ['req.headers["x-auditlens-secret"]', 'req.headers.authorization', 'req.headers["x-grafana-id"]'],
  });
  await mkdir(config.DATA_DIR, { recursive: true });
  const store = await openJobStore(config, logger);
  const files = await openExportFiles(config);
  const metrics = new ServiceMetrics(() => store.countsByStatus());
  const loki = new HttpLokiClient({
    url: config.LOKI_URL,
    tenant: config.LOKI_TENANT,
    onRequest: metrics.observeLoki,
  });
  // The pages' queries are bounded, shared and shed; exports wait their turn in a lane of their own.
  const readLoki = new SheddingLokiClient(loki, {
    maxInFlight: config.LOKI_MAX_IN_FLIGHT,
    maxQueued: config.LOKI_QUEUE,
    maxWaitMs: config.LOKI_QUEUE_WAIT_MS,
    answerWithinMs: config.LOKI_ANSWER_WITHIN_MS,
    shareMs: config.LOKI_SHARE_SECONDS * 1000,
    onOutcome: metrics.observeQuery,
  });
  // Exports wait in a queue of their own at Loki too (`X-Loki-Actor-Path`), so pages are not stuck behind them.
  const exportLoki = new SheddingLokiClient(
    new HttpLokiClient({
      url: config.LOKI_URL,
      tenant: config.LOKI_TENANT,
      lane: 'exports',
      onRequest: metrics.observeLoki,
    }),
    {
      maxInFlight: config.LOKI_EXPORT_MAX_IN_FLIGHT,
      maxQueued: Infinity,
      maxWaitMs: Infinity,
      answerWithinMs: Infinity,
      shareMs: 0,
    }
  );
  const integrity = integritySettings(config, (path) => readFileSync(path, 'utf8'));
  const manifests = new ExportManifests({
    loki: exportLoki,
    keys: integrity.keys,
    signingKey: integrity.signingKey,
    files,
    verification: integrity.verification,
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
    {
      dataDir: config.DATA_DIR,
      grafanaUrl: config.GRAFANA_URL,
      serviceName: config.LOKI_SERVICE_NAME,
      pageSize: config.LOKI_MAX_ENTRIES,
      readConcurrency: config.EXPORT_READ_CONCURRENCY,
      maxQueryLengthNs: config.LOKI_MAX_QUERY_LENGTH,
      maxRows: config.MAX_ROWS,
      attachmentMaxBytes: config.ATTACHMENT_MAX_BYTES,
      zipOverBytes: config.ZIP_OVER_BYTES,
      fileTtlHours: config.FILE_TTL_HOURS,
      workers: config.EXPORT_WORKERS,
      workersPerUser: config.EXPORT_WORKERS_PER_USER,
      maxAttempts: config.EXPORT_MAX_ATTEMPTS,
      retryDelayMs: config.EXPORT_RETRY_SECONDS * 1000,
      dailyRows: config.EXPORT_DAILY_ROWS_PER_USER,
      dailyBytes: config.EXPORT_DAILY_MB_PER_USER * 1024 ** 2,
      leaseMs: config.EXPORT_LEASE_SECONDS * 1000,
      mailRetryMs: config.MAIL_RETRY_MINUTES * 60_000,
      mailRetryDelayMs: config.MAIL_RETRY_FIRST_SECONDS * 1000,
    }
  );
  const app = createApp({
    secret: config.AUDITLENS_SHARED_SECRET,
    loki: readLoki,
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
    exportLimits: {
      perUser: config.EXPORTS_PER_USER,
      dailyRows: config.EXPORT_DAILY_ROWS_PER_USER,
      dailyBytes: config.EXPORT_DAILY_MB_PER_USER * 1024 ** 2,
    },
    shareWindowMs: config.LOKI_SHARE_SECONDS * 1000,
    ratePerSecond: config.RATE_LIMIT_PER_SECOND,
    rateBurst: config.RATE_LIMIT_BURST,
    onExportQueued: () => runner.wake(),
    onMailRequested: () => runner.wake(),
    maxQueryLengthNs: config.LOKI_MAX_QUERY_LENGTH,
    integrity: {
      verifications: new RangeVerifications(exportLoki, integrity.keys, integrity.verification),
      manifests,
      signingKey: integrity.signingKey,
    },
    caching: {
      values: config.COUNT_CACHE_VALUES,
      settleMs: config.COUNT_SETTLE_MINUTES * 60_000,
      sampleTtlMs: config.FACET_SAMPLE_SECONDS * 1000,
    },
  });
  runner.start();
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
    await audit?.shutdown();
    await store.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
