import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseLokiDuration } from '@auditlens/loki';
import { SECRET_ADVICE, isPlaceholder, weakSecretReason } from './secret-strength';

/**
 * Defaults that the app and the export runner fall back to as well when they are built without a Config (tests,
 * benchmarks): kept here, once, and read by the schema below.
 */
export const DEFAULTS = {
  EXPORT_LEASE_SECONDS: 30,
  EXPORT_WORKERS: 2,
  EXPORT_WORKERS_PER_USER: 1,
  EXPORTS_PER_USER: 3,
  EXPORT_MAX_ATTEMPTS: 3,
  EXPORT_RETRY_SECONDS: 30,
  EXPORT_DAILY_ROWS_PER_USER: 10_000_000,
  EXPORT_DAILY_MB_PER_USER: 2048,
  RATE_LIMIT_PER_SECOND: 10,
  RATE_LIMIT_BURST: 20,
} as const;

const url = (name: string) => z.url({ error: `${name} must be a URL, e.g. http://loki:3100` });
const positiveInt = (name: string, def: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be positive`)
    .default(def);

const otlpHeaders = (name: string) =>
  z
    .string()
    .refine((v) => v.split(',').every((pair) => /^\s*[^=\s]+\s*=.+$/.test(pair)), {
      error: `${name} must be key=value pairs separated by commas, e.g. Authorization=Bearer abc`,
    })
    .transform(parseHeaders)
    .optional();
const nonNegativeInt = (name: string, def: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(0, `${name} must not be negative`)
    .default(def);

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  // Prometheus metrics on a port of their own (none without it), on the loopback interface unless told otherwise.
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z.string().min(1, 'METRICS_HOST must be an address to listen on').default('127.0.0.1'),
  LOKI_URL: url('LOKI_URL'),
  LOKI_TENANT: z.string().optional(),
  LOKI_SERVICE_NAME: z.string().optional(),
  LOKI_MAX_ENTRIES: positiveInt('LOKI_MAX_ENTRIES', 5000),
  LOKI_MAX_QUERY_SERIES: positiveInt('LOKI_MAX_QUERY_SERIES', 500),
  // Loki's server.grpc_server_max_recv_msg_size: an answer over it never arrives; export pages aim at half of it.
  LOKI_MAX_MESSAGE_BYTES: positiveInt('LOKI_MAX_MESSAGE_BYTES', 4 * 1024 * 1024),
  // Loki's limits_config.max_query_length, in Loki's syntax; longer ranges are read in windows of this length.
  LOKI_MAX_QUERY_LENGTH: z
    .string()
    .default('721h')
    .transform((v, ctx) => {
      const ns = parseLokiDuration(v);
      if (ns === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'LOKI_MAX_QUERY_LENGTH must be a duration as in Loki, e.g. 721h or 30d1h (0: no limit)',
        });
        return z.NEVER;
      }
      return ns;
    }),
  EXPORT_READ_CONCURRENCY: z.coerce
    .number({ error: 'EXPORT_READ_CONCURRENCY must be a number' })
    .int('EXPORT_READ_CONCURRENCY must be a whole number')
    .min(1, 'EXPORT_READ_CONCURRENCY must be at least 1')
    .max(16, 'EXPORT_READ_CONCURRENCY must be at most 16')
    .default(4),
  // Refused when short, guessable or an example file's placeholder (secret-strength.ts): the value gates every
  // audit log, and Grafana's app settings must hold the same.
  AUDITLENS_SHARED_SECRET: z.string().superRefine((value, ctx) => {
    const reason = weakSecretReason(value);
    if (reason)
      ctx.addIssue({ code: 'custom', message: `AUDITLENS_SHARED_SECRET ${reason}: ${SECRET_ADVICE}` });
  }),
  GRAFANA_URL: url('GRAFANA_URL'),
  GRAFANA_TOKEN: z.string().min(1, 'GRAFANA_TOKEN is required (a Grafana service-account token)'),
  // Grafana's [server] root_url: the issuer of its ID tokens. Default: GRAFANA_URL.
  GRAFANA_ROOT_URL: url('GRAFANA_ROOT_URL').optional(),
  // The org the app is enabled in (and the service account's): ID tokens must name it.
  GRAFANA_ORG_ID: positiveInt('GRAFANA_ORG_ID', 1),
  // Grafana Cloud: ID tokens name the stack (`stacks-<id>`) instead of the org.
  GRAFANA_STACK_ID: z.coerce
    .number({ error: 'GRAFANA_STACK_ID must be a number' })
    .int('GRAFANA_STACK_ID must be a whole number')
    .positive('GRAFANA_STACK_ID must be positive')
    .optional(),
  REQUIRE_ID_TOKEN: z
    .enum(['true', 'false'], { error: 'REQUIRE_ID_TOKEN must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  SMTP_URL: url('SMTP_URL'),
  MAIL_FROM: z.string().min(3, 'MAIL_FROM is required, e.g. "AuditLens <auditlens@example.com>"'),
  DATA_DIR: z.string().min(1, 'DATA_DIR is required (where export jobs and files are kept)'),
  // Several replicas: jobs in Postgres instead of DATA_DIR/jobs.sqlite (see the README's "More than one replica").
  DATABASE_URL: z
    .url({
      protocol: /^postgres(ql)?$/,
      error: 'DATABASE_URL must be a Postgres URL, e.g. postgres://auditlens:secret@postgres:5432/auditlens',
    })
    .optional(),
  DATABASE_MAX_CONNECTIONS: positiveInt('DATABASE_MAX_CONNECTIONS', 10),
  EXPORT_LEASE_SECONDS: z.coerce
    .number({ error: 'EXPORT_LEASE_SECONDS must be a number' })
    .int('EXPORT_LEASE_SECONDS must be a whole number')
    .min(3, 'EXPORT_LEASE_SECONDS must be at least 3')
    .default(DEFAULTS.EXPORT_LEASE_SECONDS),
  // Export files: a folder (default DATA_DIR/files; a volume every replica mounts) or an S3 bucket.
  EXPORT_FILES_DIR: z.string().min(1).optional(),
  EXPORT_S3_BUCKET: z.string().min(3, 'EXPORT_S3_BUCKET must be a bucket name').optional(),
  EXPORT_S3_PREFIX: z
    .string()
    .regex(
      /^([^/].*\/)?$/,
      'EXPORT_S3_PREFIX must be empty or end with / and not start with /, e.g. auditlens/exports/'
    )
    .default(''),
  EXPORT_S3_ENDPOINT: url('EXPORT_S3_ENDPOINT').optional(),
  EXPORT_S3_REGION: z.string().optional(),
  EXPORT_S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'], { error: 'EXPORT_S3_FORCE_PATH_STYLE must be true or false' })
    .optional(),
  AWS_REGION: z.string().optional(),
  // Where the service's own audit events go: the standard OpenTelemetry variables, which @auditlens/emitter
  // reads itself (checked here so that a typo stops the start), or OTLP_ENDPOINT / OTLP_HEADERS, kept as aliases.
  OTEL_EXPORTER_OTLP_ENDPOINT: url('OTEL_EXPORTER_OTLP_ENDPOINT').optional(),
  OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: url('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT').optional(),
  OTEL_EXPORTER_OTLP_HEADERS: otlpHeaders('OTEL_EXPORTER_OTLP_HEADERS'),
  OTEL_EXPORTER_OTLP_LOGS_HEADERS: otlpHeaders('OTEL_EXPORTER_OTLP_LOGS_HEADERS'),
  OTEL_EXPORTER_OTLP_PROTOCOL: z
    .enum(['http/protobuf', 'http/json'], {
      error: 'OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json',
    })
    .optional(),
  OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: z
    .enum(['http/protobuf', 'http/json'], {
      error: 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL must be http/protobuf or http/json',
    })
    .optional(),
  OTEL_SERVICE_NAME: z.string().default('auditlens-export-service'),
  OTLP_ENDPOINT: url('OTLP_ENDPOINT').optional(),
  // Same form as OTEL_EXPORTER_OTLP_HEADERS: `key=value,key2=value2` (e.g. the collector's bearer token).
  OTLP_HEADERS: otlpHeaders('OTLP_HEADERS'),
  MAX_RANGE_DAYS: positiveInt('MAX_RANGE_DAYS', 366),
  MAX_ROWS: positiveInt('MAX_ROWS', 5_000_000),
  ATTACHMENT_MAX_BYTES: positiveInt('ATTACHMENT_MAX_BYTES', 10 * 1024 * 1024),
  ZIP_OVER_BYTES: positiveInt('ZIP_OVER_BYTES', 256 * 1024),
  FILE_TTL_HOURS: positiveInt('FILE_TTL_HOURS', 72),
  // Fair use and faults (see the README's "Reliability and fair use").
  EXPORT_WORKERS: positiveInt('EXPORT_WORKERS', DEFAULTS.EXPORT_WORKERS),
  EXPORT_WORKERS_PER_USER: positiveInt('EXPORT_WORKERS_PER_USER', DEFAULTS.EXPORT_WORKERS_PER_USER),
  EXPORTS_PER_USER: positiveInt('EXPORTS_PER_USER', DEFAULTS.EXPORTS_PER_USER),
  EXPORT_MAX_ATTEMPTS: positiveInt('EXPORT_MAX_ATTEMPTS', DEFAULTS.EXPORT_MAX_ATTEMPTS),
  EXPORT_RETRY_SECONDS: positiveInt('EXPORT_RETRY_SECONDS', DEFAULTS.EXPORT_RETRY_SECONDS),
  EXPORT_DAILY_ROWS_PER_USER: positiveInt('EXPORT_DAILY_ROWS_PER_USER', DEFAULTS.EXPORT_DAILY_ROWS_PER_USER),
  EXPORT_DAILY_MB_PER_USER: positiveInt('EXPORT_DAILY_MB_PER_USER', DEFAULTS.EXPORT_DAILY_MB_PER_USER),
  MAIL_RETRY_MINUTES: positiveInt('MAIL_RETRY_MINUTES', 60),
  MAIL_RETRY_FIRST_SECONDS: positiveInt('MAIL_RETRY_FIRST_SECONDS', 30),
  RATE_LIMIT_PER_SECOND: positiveInt('RATE_LIMIT_PER_SECOND', DEFAULTS.RATE_LIMIT_PER_SECOND),
  RATE_LIMIT_BURST: positiveInt('RATE_LIMIT_BURST', DEFAULTS.RATE_LIMIT_BURST),
  LOKI_MAX_IN_FLIGHT: positiveInt('LOKI_MAX_IN_FLIGHT', 8),
  LOKI_QUEUE: nonNegativeInt('LOKI_QUEUE', 32),
  LOKI_QUEUE_WAIT_MS: positiveInt('LOKI_QUEUE_WAIT_MS', 2000),
  LOKI_ANSWER_WITHIN_MS: positiveInt('LOKI_ANSWER_WITHIN_MS', 4000),
  LOKI_SHARE_SECONDS: nonNegativeInt('LOKI_SHARE_SECONDS', 5),
  LOKI_EXPORT_MAX_IN_FLIGHT: positiveInt('LOKI_EXPORT_MAX_IN_FLIGHT', 4),
  // Facets and charts (see the README's "Facets, charts and caching").
  COUNT_CACHE_VALUES: nonNegativeInt('COUNT_CACHE_VALUES', 200_000),
  COUNT_SETTLE_MINUTES: nonNegativeInt('COUNT_SETTLE_MINUTES', 10),
  FACET_SAMPLE_SECONDS: nonNegativeInt('FACET_SAMPLE_SECONDS', 60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Tamper evidence (src/integrity/): checkpoint keys of the producers, and the key that signs export manifests.
  INTEGRITY_PUBLIC_KEYS: z.string().optional(),
  INTEGRITY_PUBLIC_KEYS_FILE: z.string().optional(),
  INTEGRITY_SIGNING_KEY_FILE: z.string().optional(),
  // Replicas that share one key file on a shared volume: the first to start creates it.
  INTEGRITY_SIGNING_KEY_CREATE: z
    .enum(['true', 'false'], { error: 'INTEGRITY_SIGNING_KEY_CREATE must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  INTEGRITY_LOOKBACK_HOURS: positiveInt('INTEGRITY_LOOKBACK_HOURS', 24),
  INTEGRITY_LOOKAHEAD_MINUTES: positiveInt('INTEGRITY_LOOKAHEAD_MINUTES', 15),
  // The follower (src/follower/): reads each log type once as minutes settle and keeps proofs (and counts).
  FOLLOW_ENABLED: z
    .enum(['true', 'false'], { error: 'FOLLOW_ENABLED must be true or false' })
    .default('true')
    .transform((v) => v === 'true'),
  // Records older than this are settled (the OTLP pipeline delivers within seconds; a batch waits at most ~10 s).
  FOLLOW_SETTLE_SECONDS: positiveInt('FOLLOW_SETTLE_SECONDS', 120),
  // Records later than the settle time are caught by re-reading this many settled minutes every half of them.
  FOLLOW_REREAD_MINUTES: nonNegativeInt('FOLLOW_REREAD_MINUTES', 30),
  FOLLOW_BATCH_MINUTES: positiveInt('FOLLOW_BATCH_MINUTES', 5),
  // Where following starts the first time (ISO time); default: FOLLOW_RETENTION_DAYS ago.
  FOLLOW_START: z.iso
    .datetime({ offset: true, error: 'FOLLOW_START must be an ISO time, e.g. 2026-01-01T00:00:00Z' })
    .optional(),
  // Loki's retention: older minutes are not read, and what was kept of them is forgotten.
  FOLLOW_RETENTION_DAYS: positiveInt('FOLLOW_RETENTION_DAYS', 31),
  FOLLOW_LEASE_SECONDS: positiveInt('FOLLOW_LEASE_SECONDS', 30),
  FOLLOW_POLL_SECONDS: positiveInt('FOLLOW_POLL_SECONDS', 10),
  // How often Loki's delete requests are listed, so that kept proofs of deleted records are read again (0: never).
  FOLLOW_DELETIONS_POLL_SECONDS: nonNegativeInt('FOLLOW_DELETIONS_POLL_SECONDS', 60),
  // Kept minutes proved again per hour, for records removed from Loki's storage without its delete API (0: never).
  // 240 goes through 31 days of kept minutes in about 8 days.
  FOLLOW_REPROVE_MINUTES_PER_HOUR: nonNegativeInt('FOLLOW_REPROVE_MINUTES_PER_HOUR', 240),
});

const withTrailingSlash = (v: string): string => (v.endsWith('/') ? v : `${v}/`);

/** The schema with the defaults that follow from other settings. */
const withDerivedDefaults = schema
  .refine((c) => c.METRICS_PORT !== c.PORT, {
    path: ['METRICS_PORT'],
    error: 'METRICS_PORT must differ from PORT: metrics are served on a port of their own',
  })
  .refine((c) => !(c.EXPORT_FILES_DIR && c.EXPORT_S3_BUCKET), {
    path: ['EXPORT_S3_BUCKET'],
    error: 'EXPORT_S3_BUCKET and EXPORT_FILES_DIR exclude each other: export files go to one place',
  })
  // Other secrets the service passes on: refused when they still hold an example file's placeholder.
  .superRefine((c, ctx) => {
    const password = c.DATABASE_URL ? decodeURIComponent(new URL(c.DATABASE_URL).password) : '';
    if (isPlaceholder(password)) {
      const message = `DATABASE_URL has a placeholder password: ${SECRET_ADVICE}`;
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message });
    }
    for (const name of [
      'OTLP_HEADERS',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
    ] as const) {
      if (Object.values(c[name] ?? {}).some(isPlaceholder)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `${name} holds a placeholder token: ${SECRET_ADVICE}`,
        });
      }
    }
  })
  .transform((c) => ({
    ...c,
    EXPORT_S3_REGION: c.EXPORT_S3_REGION ?? c.AWS_REGION ?? 'us-east-1',
    // S3-compatible stores (MinIO, Ceph) address buckets by path; AWS by host name.
    EXPORT_S3_FORCE_PATH_STYLE:
      (c.EXPORT_S3_FORCE_PATH_STYLE ?? String(Boolean(c.EXPORT_S3_ENDPOINT))) === 'true',
    // Grafana always ends its root_url (AppURL, the `iss` of ID tokens) with "/" (pkg/setting parseAppURLAndSubURL).
    GRAFANA_ROOT_URL: withTrailingSlash(c.GRAFANA_ROOT_URL ?? c.GRAFANA_URL),
  }));

function parseHeaders(text: string): Record<string, string> {
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at).trim(), decodeURIComponent(pair.slice(at + 1).trim())];
    })
  );
}

/** The service's configuration, validated from the environment once at start. */
export type Config = z.infer<typeof withDerivedDefaults>;

/**
 * Where the service's own audit events go, as options of `createAuditEmitter`, or undefined when nowhere.
 * The standard OpenTelemetry variables win over the OTLP_ENDPOINT / OTLP_HEADERS aliases; the emitter reads
 * them itself from the environment when these options are left out.
 */
export function auditOtlpOptions(
  config: Config
): { serviceName: string; endpoint?: string; headers?: Record<string, string> } | undefined {
  const standardEndpoint = config.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT ?? config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!standardEndpoint && !config.OTLP_ENDPOINT) return undefined;
  const standardHeaders = config.OTEL_EXPORTER_OTLP_LOGS_HEADERS ?? config.OTEL_EXPORTER_OTLP_HEADERS;
  return {
    serviceName: config.OTEL_SERVICE_NAME,
    ...(standardEndpoint ? {} : { endpoint: config.OTLP_ENDPOINT }),
    ...(standardHeaders || !config.OTLP_HEADERS ? {} : { headers: config.OTLP_HEADERS }),
  };
}

/** Thrown when the environment is incomplete or wrong; the message names every bad variable. */
export class ConfigError extends Error {}

/**
 * Reads and validates the configuration from `env`; throws ConfigError naming each missing or bad variable.
 * `GRAFANA_TOKEN_FILE` may name a file holding the token instead (written by the compose stack's bootstrap).
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')
): Config {
  const cleaned: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== '')
  );
  if (!cleaned['GRAFANA_TOKEN'] && cleaned['GRAFANA_TOKEN_FILE']) {
    try {
      cleaned['GRAFANA_TOKEN'] = readFile(cleaned['GRAFANA_TOKEN_FILE']).trim();
    } catch {
      throw new ConfigError(
        `invalid configuration:\n  GRAFANA_TOKEN_FILE: cannot read ${cleaned['GRAFANA_TOKEN_FILE']}`
      );
    }
  }
  const parsed = withDerivedDefaults.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      return `  ${name}: ${i.code === 'invalid_type' && !(name in cleaned) ? `${name} is required` : i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
