import { ConfigError, loadConfig } from './config';

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
});
