import { randomBytes } from 'node:crypto';
import { ConfigError, auditOtlpOptions, loadConfig } from './config';
import { estimatedBits, weakSecretReason } from './secret-strength';
import { exportRunnerOptions } from './exports/export-settings';

const valid = {
  LOKI_URL: 'http://loki:3100',
  AUDITLENS_SHARED_SECRET: 'a-very-long-shared-secret',
  GRAFANA_URL: 'http://grafana:3000',
  GRAFANA_TOKEN: 'glsa_x',
  SMTP_URL: 'smtp://mail:1025',
  MAIL_FROM: 'AuditLens <auditlens@example.test>',
  DATA_DIR: '/data',
};

describe('loadConfig', () => {
  it('applies defaults', () => {
    const c = loadConfig(valid);
    expect(c).toMatchObject({ PORT: 8080, LOKI_MAX_ENTRIES: 5000, FILE_TTL_HOURS: 72, MAX_RANGE_DAYS: 366 });
    expect(c).toMatchObject({
      EXPORTS_PER_USER: 3,
      EXPORT_MAX_ATTEMPTS: 3,
      MAIL_RETRY_MINUTES: 60,
      LOKI_MAX_IN_FLIGHT: 8,
      LOKI_QUEUE_WAIT_MS: 2000,
      LOKI_SHARE_SECONDS: 5,
      RATE_LIMIT_PER_SECOND: 10,
    });
  });

  it("sizes export pages at half of Loki's gRPC message cap: 2 MiB by default, 16 MiB for the compose stack's Loki", () => {
    expect(exportRunnerOptions(loadConfig(valid)).pageBytes).toBe(2 * 1024 * 1024);
    const raised = loadConfig({ ...valid, LOKI_MAX_MESSAGE_BYTES: '33554432' });
    expect(exportRunnerOptions(raised).pageBytes).toBe(16 * 1024 * 1024);
    expect(() => loadConfig({ ...valid, LOKI_MAX_MESSAGE_BYTES: '0' })).toThrow(
      /LOKI_MAX_MESSAGE_BYTES must be positive/
    );
  });

  it('keeps jobs in SQLite and files in DATA_DIR by default; Postgres, a shared folder or S3 when set', () => {
    const c = loadConfig(valid);
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c).toMatchObject({ EXPORT_LEASE_SECONDS: 30, DATABASE_MAX_CONNECTIONS: 10, EXPORT_S3_PREFIX: '' });
    expect(c.EXPORT_FILES_DIR).toBeUndefined();
    expect(c.EXPORT_S3_BUCKET).toBeUndefined();
    const ha = loadConfig({
      ...valid,
      DATABASE_URL: 'postgres://auditlens:secret@postgres:5432/auditlens',
      EXPORT_FILES_DIR: '/shared/files',
      EXPORT_LEASE_SECONDS: '10',
    });
    expect(ha).toMatchObject({
      DATABASE_URL: 'postgres://auditlens:secret@postgres:5432/auditlens',
      EXPORT_LEASE_SECONDS: 10,
    });
    expect(loadConfig({ ...valid, DATABASE_URL: 'postgresql://db/x' }).DATABASE_URL).toBe(
      'postgresql://db/x'
    );
    expect(() => loadConfig({ ...valid, DATABASE_URL: 'mysql://db/x' })).toThrow(
      /DATABASE_URL must be a Postgres URL/
    );
    expect(() => loadConfig({ ...valid, EXPORT_LEASE_SECONDS: '1' })).toThrow(
      /EXPORT_LEASE_SECONDS must be at least 3/
    );
    const s3 = loadConfig({
      ...valid,
      EXPORT_S3_BUCKET: 'audit-exports',
      EXPORT_S3_ENDPOINT: 'http://minio:9000',
    });
    expect(s3).toMatchObject({ EXPORT_S3_REGION: 'us-east-1', EXPORT_S3_FORCE_PATH_STYLE: true });
    expect(
      loadConfig({ ...valid, EXPORT_S3_BUCKET: 'audit-exports', AWS_REGION: 'eu-west-1' })
    ).toMatchObject({
      EXPORT_S3_REGION: 'eu-west-1',
      EXPORT_S3_FORCE_PATH_STYLE: false,
    });
    expect(() =>
      loadConfig({ ...valid, EXPORT_S3_BUCKET: 'audit-exports', EXPORT_FILES_DIR: '/shared' })
    ).toThrow(/EXPORT_S3_BUCKET and EXPORT_FILES_DIR exclude each other/);
    expect(() => loadConfig({ ...valid, EXPORT_S3_PREFIX: '/abs/' })).toThrow(
      /EXPORT_S3_PREFIX must be empty or end with \//
    );
    expect(loadConfig({ ...valid, EXPORT_S3_PREFIX: 'auditlens/exports/' }).EXPORT_S3_PREFIX).toBe(
      'auditlens/exports/'
    );
  });

  it('takes 0 where it turns a feature off, and refuses it where it would stop the service', () => {
    expect(loadConfig({ ...valid, LOKI_SHARE_SECONDS: '0', LOKI_QUEUE: '0' })).toMatchObject({
      LOKI_SHARE_SECONDS: 0,
      LOKI_QUEUE: 0,
    });
    expect(() => loadConfig({ ...valid, EXPORT_WORKERS: '0' })).toThrow(/EXPORT_WORKERS must be positive/);
    expect(() => loadConfig({ ...valid, LOKI_SHARE_SECONDS: '-1' })).toThrow(
      /LOKI_SHARE_SECONDS must not be negative/
    );
  });

  it('serves metrics only on a port of their own, on the loopback interface unless told otherwise', () => {
    expect(loadConfig(valid)).toMatchObject({ METRICS_HOST: '127.0.0.1' });
    expect(loadConfig(valid).METRICS_PORT).toBeUndefined();
    expect(loadConfig({ ...valid, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' })).toMatchObject({
      METRICS_PORT: 9464,
      METRICS_HOST: '0.0.0.0',
    });
    expect(() => loadConfig({ ...valid, PORT: '8080', METRICS_PORT: '8080' })).toThrow(
      /METRICS_PORT must differ from PORT/
    );
  });

  it("reads Loki's max_query_length in Loki's syntax and the export read concurrency, refusing bad ones", () => {
    expect(loadConfig(valid)).toMatchObject({
      LOKI_MAX_QUERY_LENGTH: 721n * 3_600_000_000_000n,
      EXPORT_READ_CONCURRENCY: 4,
    });
    expect(loadConfig({ ...valid, LOKI_MAX_QUERY_LENGTH: '30d1h' }).LOKI_MAX_QUERY_LENGTH).toBe(
      721n * 3_600_000_000_000n
    );
    expect(loadConfig({ ...valid, LOKI_MAX_QUERY_LENGTH: '0' }).LOKI_MAX_QUERY_LENGTH).toBe(0n);
    expect(() => loadConfig({ ...valid, LOKI_MAX_QUERY_LENGTH: '30 days' })).toThrow(
      /LOKI_MAX_QUERY_LENGTH: LOKI_MAX_QUERY_LENGTH must be a duration as in Loki/
    );
    expect(() => loadConfig({ ...valid, EXPORT_READ_CONCURRENCY: '0' })).toThrow(
      /EXPORT_READ_CONCURRENCY must be at least 1/
    );
  });

  it('parses OTLP_HEADERS like OTEL_EXPORTER_OTLP_HEADERS, and rejects a malformed one', () => {
    expect(
      loadConfig({ ...valid, OTLP_HEADERS: 'Authorization=Bearer abc, X-Scope-OrgID=acme%20co' }).OTLP_HEADERS
    ).toEqual({
      Authorization: 'Bearer abc',
      'X-Scope-OrgID': 'acme co',
    });
    expect(() => loadConfig({ ...valid, OTLP_HEADERS: 'Bearer abc' })).toThrow(
      /OTLP_HEADERS must be key=value pairs/
    );
  });

  it('sends its own audit events where the standard OTEL_EXPORTER_OTLP_* variables say, over the OTLP_* aliases', () => {
    expect(auditOtlpOptions(loadConfig(valid))).toBeUndefined();
    // The aliases alone: passed to the emitter as options.
    expect(
      auditOtlpOptions(
        loadConfig({
          ...valid,
          OTLP_ENDPOINT: 'http://collector:4318',
          OTLP_HEADERS: 'Authorization=Bearer a',
        })
      )
    ).toEqual({
      serviceName: 'auditlens-export-service',
      endpoint: 'http://collector:4318',
      headers: { Authorization: 'Bearer a' },
    });
    // The standard variables: left to the emitter, which reads them from the environment, and they win.
    for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT']) {
      expect(
        auditOtlpOptions(
          loadConfig({
            ...valid,
            [name]: 'http://collector:4318',
            OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer b',
            OTEL_SERVICE_NAME: 'exports-eu',
            OTLP_ENDPOINT: 'http://old:4318',
            OTLP_HEADERS: 'Authorization=Bearer a',
          })
        )
      ).toEqual({ serviceName: 'exports-eu' });
    }
  });

  it('rejects malformed OTEL_EXPORTER_OTLP_* values at start', () => {
    expect(() => loadConfig({ ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be a URL/
    );
    expect(() => loadConfig({ ...valid, OTEL_EXPORTER_OTLP_HEADERS: 'Bearer abc' })).toThrow(
      /OTEL_EXPORTER_OTLP_HEADERS must be key=value pairs/
    );
    expect(() => loadConfig({ ...valid, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json/
    );
  });

  it('names every missing or bad variable', () => {
    let message = '';
    try {
      loadConfig({
        ...valid,
        LOKI_URL: 'not a url',
        GRAFANA_TOKEN: '',
        AUDITLENS_SHARED_SECRET: 'short',
        PORT: 'x',
      });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/LOKI_URL: LOKI_URL must be a URL/);
    expect(message).toMatch(/GRAFANA_TOKEN: GRAFANA_TOKEN is required/);
    expect(message).toMatch(/AUDITLENS_SHARED_SECRET: .*at least 16/);
    expect(message).toMatch(/PORT:/);
  });

  it('reads the Grafana token from GRAFANA_TOKEN_FILE when GRAFANA_TOKEN is not set', () => {
    const { GRAFANA_TOKEN: _unused, ...rest } = valid;
    const files: Record<string, string> = { '/run/token': 'glsa_from_file\n' };
    expect(loadConfig({ ...rest, GRAFANA_TOKEN_FILE: '/run/token' }, (p) => files[p]!).GRAFANA_TOKEN).toBe(
      'glsa_from_file'
    );
    expect(() =>
      loadConfig({ ...rest, GRAFANA_TOKEN_FILE: '/missing' }, () => {
        throw new Error('ENOENT');
      })
    ).toThrow(/GRAFANA_TOKEN_FILE: cannot read \/missing/);
  });

  it('reads the identity settings: the ID token issuer, the org, and whether a token is required', () => {
    expect(loadConfig(valid)).toMatchObject({
      GRAFANA_ROOT_URL: 'http://grafana:3000/',
      GRAFANA_ORG_ID: 1,
      REQUIRE_ID_TOKEN: false,
    });
    expect(loadConfig(valid).GRAFANA_STACK_ID).toBeUndefined();
    expect(
      loadConfig({
        ...valid,
        GRAFANA_ROOT_URL: 'https://grafana.example.com/grafana',
        GRAFANA_ORG_ID: '3',
        GRAFANA_STACK_ID: '6481',
        REQUIRE_ID_TOKEN: 'true',
      })
    ).toMatchObject({
      GRAFANA_ROOT_URL: 'https://grafana.example.com/grafana/',
      GRAFANA_ORG_ID: 3,
      GRAFANA_STACK_ID: 6481,
      REQUIRE_ID_TOKEN: true,
    });
    expect(() => loadConfig({ ...valid, REQUIRE_ID_TOKEN: 'yes', GRAFANA_ORG_ID: '0' })).toThrow(
      /REQUIRE_ID_TOKEN must be true or false[^]*GRAFANA_ORG_ID must be positive|GRAFANA_ORG_ID must be positive[^]*REQUIRE_ID_TOKEN must be true or false/
    );
  });
});

describe('loadConfig refuses secrets someone else knows', () => {
  const refusal = (env: Record<string, string>): string => {
    try {
      loadConfig({ ...valid, ...env });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('accepted');
  };

  it.each([
    ['the .env.example placeholder', 'change-me-to-a-long-random-string', /placeholder/],
    ['another placeholder', 'replace_me_with_your_secret_value', /placeholder/],
    ['a short value', 'k3!xQ9#', /at least 16 characters/],
    ['a repeated character', 'aaaaaaaaaaaaaaaaaaaaaaaa', /too easy to guess/],
    ['a repeated word', 'passwordpasswordpassword', /too easy to guess/],
  ])('refuses %s as AUDITLENS_SHARED_SECRET, naming the variable and what to do', (_what, secret, why) => {
    const message = refusal({ AUDITLENS_SHARED_SECRET: secret });
    expect(message).toMatch(new RegExp(`^  AUDITLENS_SHARED_SECRET: AUDITLENS_SHARED_SECRET `, 'm'));
    expect(message).toMatch(why);
    expect(message).toContain('openssl rand -base64 32');
    // The refusal never repeats the secret.
    expect(message).not.toContain(secret);
  });

  it('accepts a random value, as the set-up script generates', () => {
    const secret = randomBytes(32).toString('base64url');
    expect(loadConfig({ ...valid, AUDITLENS_SHARED_SECRET: secret }).AUDITLENS_SHARED_SECRET).toBe(secret);
    expect(weakSecretReason(randomBytes(12).toString('hex'))).toBeUndefined();
  });

  it('refuses placeholders in the Postgres password and the collector token it passes on', () => {
    expect(
      refusal({ DATABASE_URL: 'postgres://auditlens:change-me-postgres@postgres:5432/auditlens' })
    ).toMatch(/^ {2}DATABASE_URL: DATABASE_URL has a placeholder password/m);
    expect(refusal({ OTLP_HEADERS: 'Authorization=Bearer change-me-collector-token' })).toMatch(
      /^ {2}OTLP_HEADERS: OTLP_HEADERS holds a placeholder token/m
    );
    expect(
      loadConfig({ ...valid, DATABASE_URL: 'postgres://auditlens:Zq8w1Lp0@postgres:5432/auditlens' })
        .DATABASE_URL
    ).toContain('Zq8w1Lp0');
  });

  it('estimates entropy from character frequencies', () => {
    expect(estimatedBits('aaaa')).toBe(0);
    expect(estimatedBits('abcd')).toBe(8);
  });
});
