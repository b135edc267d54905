import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { GrafanaDouble, type GrafanaDoubleOptions } from './grafana-double';
import type { GrafanaDoubleDataSource } from './data-source-query';
import { loadPluginJson } from './plugin-json';
import { hasRealLoki, lokiForTests, type LokiTarget } from '../real-loki';

/** A GET sent with the path exactly as given (fetch would resolve `..` before sending). */
function rawGet(base: string, path: string, headers: Record<string, string>): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An upstream that answers with what it received. */
class EchoServer {
  private constructor(
    private readonly server: Server,
    readonly seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }>
  ) {}
  static async start(): Promise<EchoServer> {
    const seen: EchoServer['seen'] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'upstream=1' });
        res.end(JSON.stringify({ ok: true }));
      });
    });
    const echo = new EchoServer(server, seen);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return echo;
  }
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const plugin = loadPluginJson();
const PROXY = `/api/plugin-proxy/${plugin.id}`;

describe('GrafanaDouble', () => {
  let echo: EchoServer;
  let grafana: GrafanaDouble | undefined;
  beforeEach(async () => {
    echo = await EchoServer.start();
  });
  afterEach(async () => {
    await grafana?.stop();
    grafana = undefined;
    await echo.stop();
  });

  const start = async (over: Partial<GrafanaDoubleOptions> = {}) => {
    grafana = await GrafanaDouble.start({
      plugin,
      jsonData: { exportServiceUrl: echo.url },
      secureJsonData: { sharedSecret: 'the-shared-secret' },
      users: [
        { login: 'ada', orgRole: 'Admin' },
        { login: 'vic', orgRole: 'Viewer' },
        { login: 'root', orgRole: 'Viewer', isGrafanaAdmin: true },
        { login: 'eve', orgRole: 'Viewer', assigned: ['auditlens-auditlogs-app.access:read'] },
      ],
      serviceAccounts: [
        { token: 'sa-admin', orgRole: 'Admin' },
        { token: 'sa-viewer', orgRole: 'Viewer' },
      ],
      ...over,
    });
    return grafana;
  };
  const get = (g: GrafanaDouble, path: string, headers: Record<string, string> = {}) =>
    fetch(`${g.url}${path}`, { headers });

  describe('plugin proxy', () => {
    it('forwards with the rendered secret, without cookies or a client-sent X-Grafana-User, keeping the query', async () => {
      const g = await start();
      const res = await get(g, `${PROXY}/logs/access/facets?field=user&from=1`, {
        ...g.sessionFor('ada'),
        'X-Grafana-User': 'someone-else',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('content-security-policy')).toBe('sandbox');
      const seen = echo.seen[0]!;
      expect(seen.url).toBe('/api/v1/logs/access/facets?field=user&from=1');
      expect(seen.headers['x-auditlens-secret']).toBe('the-shared-secret');
      expect(seen.headers['cookie']).toBeUndefined();
      expect(seen.headers['x-grafana-user']).toBeUndefined();
      expect(seen.headers['x-grafana-id']).toBeUndefined();
    });

    it('answers 404 and 403 with the messages Grafana uses, forwarding nothing', async () => {
      const g = await start();
      const missing = await get(g, `${PROXY}/logs/unknown`, g.sessionFor('ada'));
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ message: 'plugin route match not found' });
      const denied = await get(g, `${PROXY}/logs/access`, g.sessionFor('vic'));
      expect(denied.status).toBe(403);
      expect(await denied.json()).toEqual({ message: 'plugin proxy route access denied' });
      const postHealth = await fetch(`${g.url}${PROXY}/health`, {
        method: 'POST',
        headers: g.sessionFor('ada'),
      });
      expect(postHealth.status).toBe(404);
      expect((await get(g, `${PROXY}/logs/access`)).status).toBe(401);
      expect(echo.seen).toHaveLength(0);
    });

    it('derives permissions from plugin.json grants and direct assignments', async () => {
      const g = await start();
      expect((await get(g, `${PROXY}/logs/access`, g.sessionFor('ada'))).status).toBe(200);
      expect((await get(g, `${PROXY}/exports/x/file`, g.sessionFor('ada'))).status).toBe(200);
      expect((await get(g, `${PROXY}/health`, g.sessionFor('ada'))).status).toBe(200);
      expect((await get(g, `${PROXY}/logs/access`, g.sessionFor('eve'))).status).toBe(200);
      expect((await get(g, `${PROXY}/logs/activity`, g.sessionFor('eve'))).status).toBe(403);
      expect((await get(g, `${PROXY}/exports`, g.sessionFor('eve'))).status).toBe(403);
      expect((await get(g, `${PROXY}/health`, g.sessionFor('root'))).status).toBe(403);
    });

    it('adds X-Grafana-User only with send_user_header', async () => {
      const g = await start({ sendUserHeader: true });
      await get(g, `${PROXY}/logs/access`, { ...g.sessionFor('ada'), 'X-Grafana-User': 'mallory' });
      expect(echo.seen[0]!.headers['x-grafana-user']).toBe('ada');
    });

    it('adds an ID token Grafana-shaped, verifiable with its JWKS, only with idForwarding', async () => {
      const g = await start({ idForwarding: true, orgId: 3, rootUrl: 'https://grafana.example.com' });
      await get(g, `${PROXY}/logs/access`, g.sessionFor('ada'));
      const token = echo.seen[0]!.headers['x-grafana-id'] as string;
      expect(decodeProtectedHeader(token)).toMatchObject({
        alg: 'ES256',
        typ: 'jwt',
        kid: expect.any(String),
      });
      const jwks = createRemoteJWKSet(new URL(`${g.url}/api/signing-keys/keys`));
      const { payload } = await jwtVerify(token, jwks, {
        issuer: 'https://grafana.example.com/',
        audience: 'org:3',
      });
      expect(payload).toMatchObject({
        sub: expect.stringMatching(/^user:\d+$/),
        identifier: g.uidOf('ada'),
        type: 'user',
        namespace: 'org-3',
        username: 'ada',
        email: 'ada@example.test',
        name: 'ada',
        role: 'Admin',
      });
      expect(payload).not.toHaveProperty('login');
      expect(payload['exp']! - payload['iat']!).toBe(600);
    });

    it('names org 1 `default` and a cloud stack `stacks-<id>`', async () => {
      const first = await start({ idForwarding: true });
      expect(first.claimsFor('ada')).toMatchObject({
        namespace: 'default',
        aud: ['org:1'],
        iss: 'http://localhost:3000/',
      });
      await first.stop();
      grafana = await start({ idForwarding: true, stackId: 6481 });
      expect(grafana.claimsFor('ada').namespace).toBe('stacks-6481');
    });
  });

  describe('plugin proxy: checkAppEnabled and the cleaned proxy path', () => {
    it('answers 404 for the app switched off, forwarding nothing, and forwards again once it is on', async () => {
      const g = await start({ appEnabled: false });
      const off = await get(g, `${PROXY}/logs/access`, g.sessionFor('ada'));
      expect(off.status).toBe(404);
      expect(await off.json()).toEqual({ message: 'Plugin is not enabled' });
      // The app-access middleware still runs first.
      expect((await get(g, `${PROXY}/logs/access`)).status).toBe(401);
      g.setAppEnabled(true);
      expect((await get(g, `${PROXY}/logs/access`, g.sessionFor('ada'))).status).toBe(200);
      expect(echo.seen).toHaveLength(1);
    });

    it('answers 404 "Plugin setting not found" in an org where the app was never enabled', async () => {
      const g = await start({
        orgs: [{ id: 2, name: 'AuditLens Ops' }],
        users: [
          { login: 'ops', orgRole: 'Admin', orgs: { 2: 'Admin' } },
          { login: 'outsider', orgRole: 'Viewer' },
        ],
      });
      const inOps = await get(g, `${PROXY}/logs/access`, { ...g.sessionFor('ops'), 'X-Grafana-Org-Id': '2' });
      expect(inOps.status).toBe(404);
      expect(await inOps.json()).toEqual({ message: 'Plugin setting not found' });
      expect((await get(g, `${PROXY}/logs/access`, g.sessionFor('ops'))).status).toBe(200);
      // Naming an org one is not a member of brings no role there: no plugins.app:access.
      const elsewhere = await get(g, `${PROXY}/logs/access`, {
        ...g.sessionFor('outsider'),
        'X-Grafana-Org-Id': '2',
      });
      expect(elsewhere.status).toBe(403);
      expect(echo.seen.map((r) => r.url)).toEqual(['/api/v1/logs/access']);
    });

    it('resolves `..` before matching, never above the proxy root, so a read route cannot reach another', async () => {
      const g = await start();
      // eve may read access logs only: `logs/access/../../exports` is the exports route, and she may not export.
      expect(await rawGet(g.url, `${PROXY}/logs/access/../../exports`, g.sessionFor('eve'))).toBe(403);
      expect(await rawGet(g.url, `${PROXY}/logs/access/../../exports`, g.sessionFor('ada'))).toBe(200);
      expect(await rawGet(g.url, `${PROXY}/logs/../../../../health/../etc/passwd`, g.sessionFor('ada'))).toBe(
        404
      );
      expect(echo.seen.map((r) => r.url)).toEqual(['/api/v1/exports']);
    });

    it('leaves escaped dots to the matched route: they reach the upstream as `..` under that route', async () => {
      const g = await start();
      const status = await rawGet(g.url, `${PROXY}/logs/access/%2e%2e/%2e%2e/exports`, g.sessionFor('eve'));
      expect(status).toBe(200);
      expect(echo.seen[0]!.url).toBe('/api/v1/logs/access/../../exports');
    });
  });

  describe('POST /api/ds/query (datasources:query, data sources of the caller’s org only)', () => {
    const loki = (orgId: number, url = 'http://127.0.0.1:9'): GrafanaDoubleDataSource => ({
      orgId,
      uid: 'auditlens-loki',
      name: 'Loki (audit logs)',
      type: 'loki',
      url,
    });
    const query = (g: GrafanaDouble, headers: Record<string, string>, uid = 'auditlens-loki') =>
      fetch(`${g.url}/api/ds/query`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({
          from: 'now-1h',
          to: 'now',
          queries: [{ refId: 'A', datasource: { uid, type: 'loki' }, expr: '{audit_log_type="access"}' }],
        }),
      });

    it('refuses a Viewer of an org without data sources: no datasources:query at all there', async () => {
      const g = await start({ orgs: [{ id: 2, name: 'AuditLens Ops' }], dataSources: [loki(2)] });
      const res = await query(g, g.sessionFor('vic'));
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toMatch(
        /Permissions needed: datasources:query/
      );
    });

    it('answers an Admin of that org 404: the uid of another org’s data source is not found', async () => {
      const g = await start({ orgs: [{ id: 2, name: 'AuditLens Ops' }], dataSources: [loki(2)] });
      const res = await query(g, g.sessionFor('ada'));
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: 'Data source not found' });
      expect(g.apiCalls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual(['POST /api/ds/query 404']);
    });

    it('refuses a body that does not parse, and a request without queries', async () => {
      const g = await start({ dataSources: [loki(1)] });
      const bad = await fetch(`${g.url}/api/ds/query`, {
        method: 'POST',
        headers: g.sessionFor('vic'),
        body: '{',
      });
      expect(bad.status).toBe(400);
      const none = await fetch(`${g.url}/api/ds/query`, {
        method: 'POST',
        headers: g.sessionFor('vic'),
        body: JSON.stringify({ from: 'now-1h', to: 'now', queries: [] }),
      });
      expect(none.status).toBe(400);
    });

    (hasRealLoki() ? describe : describe.skip)('against a real Loki', () => {
      let real: LokiTarget;
      const ts = `${BigInt(Date.now()) * 1_000_000n}`;
      beforeAll(async () => {
        real = await lokiForTests('grafana-double ds/query');
        if (real.kind !== 'real') throw new Error(real.reason);
        const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
        const push = await fetch(`${real.url}/otlp/v1/logs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            resourceLogs: [
              {
                resource: {
                  attributes: [attr('service.name', 'helpdesk'), attr('audit.log_type', 'access')],
                },
                scopeLogs: [{ logRecords: [{ timeUnixNano: ts, body: { stringValue: 'jane logged in' } }] }],
              },
            ],
          }),
        });
        expect(push.status).toBe(204);
      }, 60_000);
      afterAll(() => real?.release());
      const lokiUrl = () => (real.kind === 'real' ? real.url : '');
      type Answer = {
        results: Record<string, { status: number; frames: Array<{ data: { values: unknown[][] } }> }>;
      };

      it('gives a Viewer the org’s Loki events: on OSS every basic role may query every data source of its org', async () => {
        const g = await start({ dataSources: [loki(1, lokiUrl())] });
        const res = await query(g, g.sessionFor('vic'));
        expect(res.status).toBe(200);
        const frame = ((await res.json()) as Answer).results['A']!.frames[0]!;
        expect(frame.data.values[2]).toEqual(['jane logged in']);
        expect(frame.data.values[3]).toEqual([ts]);
      }, 30_000);

      it('answers members of the org holding the data source, and nobody else', async () => {
        const g = await start({
          orgs: [{ id: 2, name: 'AuditLens Ops' }],
          dataSources: [loki(2, lokiUrl())],
          users: [
            { login: 'ops', orgRole: 'Viewer', orgs: { 2: 'Viewer' } },
            { login: 'vic', orgRole: 'Viewer' },
          ],
        });
        const ops = await query(g, { ...g.sessionFor('ops'), 'X-Grafana-Org-Id': '2' });
        expect(ops.status).toBe(200);
        expect(((await ops.json()) as Answer).results['A']!.frames[0]!.data.values[2]).toEqual([
          'jane logged in',
        ]);
        expect((await query(g, g.sessionFor('ops'))).status).toBe(403);
        expect((await query(g, { ...g.sessionFor('vic'), 'X-Grafana-Org-Id': '2' })).status).toBe(403);
      }, 30_000);

      it('passes Loki’s own error back as the query’s error, with 400', async () => {
        const g = await start({ dataSources: [loki(1, lokiUrl())] });
        const res = await fetch(`${g.url}/api/ds/query`, {
          method: 'POST',
          headers: g.sessionFor('ada'),
          body: JSON.stringify({
            from: 'now-1h',
            to: 'now',
            queries: [{ refId: 'B', datasource: { uid: 'auditlens-loki' }, expr: '{audit_log_type=}' }],
          }),
        });
        expect(res.status).toBe(400);
        const body = (await res.json()) as { results: Record<string, { error: string }> };
        expect(body.results['B']!.error).toMatch(/parse error/);
      }, 30_000);
    });
  });

  describe('user APIs', () => {
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

    it('keeps /api/users/lookup to server admins', async () => {
      const g = await start();
      const sa = await get(g, '/api/users/lookup?loginOrEmail=ada', bearer('sa-admin'));
      expect(sa.status).toBe(403);
      expect(((await sa.json()) as { message: string }).message).toMatch(/Permissions needed: users:read/);
      const admin = await get(g, '/api/users/lookup?loginOrEmail=ada', g.sessionFor('root'));
      expect(await admin.json()).toMatchObject({
        login: 'ada',
        email: 'ada@example.test',
        uid: g.uidOf('ada'),
      });
    });

    it('answers /api/org/users/lookup without email, /api/org/users with it, to an org Admin', async () => {
      const g = await start();
      const lookup = (await (
        await get(g, '/api/org/users/lookup?query=ad', bearer('sa-admin'))
      ).json()) as object[];
      expect(lookup).toEqual([
        { userId: expect.any(Number), uid: g.uidOf('ada'), login: 'ada', avatarUrl: expect.any(String) },
      ]);
      const users = (await (await get(g, '/api/org/users?query=AD', bearer('sa-admin'))).json()) as Array<{
        login: string;
      }>;
      expect(users.map((u) => u.login)).toEqual(['ada']);
      expect(users[0]).toMatchObject({ email: 'ada@example.test', uid: g.uidOf('ada'), role: 'Admin' });
      expect((await get(g, '/api/org/users?query=ada', bearer('sa-viewer'))).status).toBe(403);
      expect((await get(g, '/api/org/users', bearer('nope'))).status).toBe(401);
      expect(g.apiCalls.map((c) => c.status)).toEqual([200, 200, 403, 401]);
    });

    it('searches one user permissions as Grafana does, for an org Admin token', async () => {
      const g = await start();
      const search = async (who: string, token = 'sa-admin') => {
        const res = await get(
          g,
          `/api/access-control/users/permissions/search?namespacedId=user:${who}&actionPrefix=${plugin.id}.`,
          bearer(token)
        );
        return { status: res.status, body: (await res.json()) as unknown };
      };
      const ada = await search(g.uidOf('ada'));
      expect(ada.status).toBe(200);
      const [perms] = Object.values(ada.body as Record<string, Record<string, null>>);
      expect(perms).toHaveProperty([`${plugin.id}.exports:create`], null);
      expect(perms).toHaveProperty([`${plugin.id}.access:read`], null);
      expect(Object.values((await search(g.uidOf('vic'))).body as object)).toEqual([{}]);
      expect(Object.values((await search(g.uidOf('eve'))).body as object)).toEqual([
        { [`${plugin.id}.access:read`]: null },
      ]);
      expect(await search('nobody')).toEqual({ status: 400, body: 'user not found' });
      g.removeFromOrg('vic');
      expect((await search(g.uidOf('vic'))).status).toBe(500);
      expect((await search(g.uidOf('ada'), 'sa-viewer')).status).toBe(403);
    });
  });
});
