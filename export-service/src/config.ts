import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseLokiDuration } from './loki/query-limits';

const url = (name: string) => z.url({ error: `${name} must be a URL, e.g. http://loki:3100` });
const positiveInt = (name: string, def: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be positive`)
    .default(def);

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  LOKI_URL: url('LOKI_URL'),
  LOKI_TENANT: z.string().optional(),
  LOKI_SERVICE_NAME: z.string().optional(),
  LOKI_MAX_ENTRIES: positiveInt('LOKI_MAX_ENTRIES', 5000),
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
  AUDITLENS_SHARED_SECRET: z.string().min(16, 'AUDITLENS_SHARED_SECRET must be at least 16 characters'),
  GRAFANA_URL: url('GRAFANA_URL'),
  GRAFANA_TOKEN: z.string().min(1, 'GRAFANA_TOKEN is required (a Grafana service-account token)'),
  SMTP_URL: url('SMTP_URL'),
  MAIL_FROM: z.string().min(3, 'MAIL_FROM is required, e.g. "AuditLens <auditlens@example.com>"'),
  DATA_DIR: z.string().min(1, 'DATA_DIR is required (where export jobs and files are kept)'),
  OTLP_ENDPOINT: url('OTLP_ENDPOINT').optional(),
  // Same form as OTel's OTEL_EXPORTER_OTLP_HEADERS: `key=value,key2=value2` (e.g. the collector's bearer token).
  OTLP_HEADERS: z
    .string()
    .refine((v) => v.split(',').every((pair) => /^\s*[^=\s]+\s*=.+$/.test(pair)), {
      error: 'OTLP_HEADERS must be key=value pairs separated by commas, e.g. Authorization=Bearer abc',
    })
    .transform(parseHeaders)
    .optional(),
  MAX_RANGE_DAYS: positiveInt('MAX_RANGE_DAYS', 366),
  MAX_ROWS: positiveInt('MAX_ROWS', 5_000_000),
  ATTACHMENT_MAX_BYTES: positiveInt('ATTACHMENT_MAX_BYTES', 10 * 1024 * 1024),
  ZIP_OVER_BYTES: positiveInt('ZIP_OVER_BYTES', 256 * 1024),
  FILE_TTL_HOURS: positiveInt('FILE_TTL_HOURS', 72),
  USER_CACHE_SECONDS: positiveInt('USER_CACHE_SECONDS', 60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

function parseHeaders(text: string): Record<string, string> {
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at).trim(), decodeURIComponent(pair.slice(at + 1).trim())];
    })
  );
}

/** The service's configuration, validated from the environment once at start. */
export type Config = z.infer<typeof schema>;

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
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      return `  ${name}: ${i.code === 'invalid_type' && !(name in cleaned) ? `${name} is required` : i.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
