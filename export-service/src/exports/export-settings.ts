import type { Config } from '../config';
import type { ExportLimits } from './export-quota';
import type { ExportRunnerOptions } from './export-runner';

/** The per-user export limits that `config` sets. */
export function exportLimits(config: Config): ExportLimits {
  return {
    perUser: config.EXPORTS_PER_USER,
    dailyRows: config.EXPORT_DAILY_ROWS_PER_USER,
    dailyBytes: config.EXPORT_DAILY_MB_PER_USER * 1024 ** 2,
  };
}

/** The export runner's settings from `config`. */
export function exportRunnerOptions(config: Config): ExportRunnerOptions {
  const limits = exportLimits(config);
  return {
    dataDir: config.DATA_DIR,
    grafanaUrl: config.GRAFANA_URL,
    serviceName: config.LOKI_SERVICE_NAME,
    pageSize: config.LOKI_MAX_ENTRIES,
    pageBytes: Math.floor(config.LOKI_MAX_MESSAGE_BYTES / 2),
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
    dailyRows: limits.dailyRows,
    dailyBytes: limits.dailyBytes,
    leaseMs: config.EXPORT_LEASE_SECONDS * 1000,
    mailRetryMs: config.MAIL_RETRY_MINUTES * 60_000,
    mailRetryDelayMs: config.MAIL_RETRY_FIRST_SECONDS * 1000,
  };
}
