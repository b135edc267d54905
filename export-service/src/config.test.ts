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
