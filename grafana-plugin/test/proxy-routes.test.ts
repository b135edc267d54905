// Walks every URL the app's client can build through Grafana's plugin-proxy route matching (the Grafana
// double's routing, written from pkg/api/pluginproxy/pluginproxy.go and pkg/web/tree.go), over plugin.json as
// written and as built into dist/. A URL fails when Grafana would answer 404, or when the route it lands on
// checks another reqAction than the one the URL's data needs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { of, type Observable } from 'rxjs';
import {
  CORE_ACTIONS,
  EXPORT_ACTION,
  FILTER_FIELDS,
  LOG_TYPES,
  LOG_TYPE_SLUGS,
  PLUGIN_ID,
  STATS_SPLITS,
  logTypeFromSlug,
  readAction,
} from '@auditlens/contract';
import {
  decidePluginProxyRequest,
  proxyPathOf,
  type PluginProxyRoute,
  type ProxyDecision,
} from '@auditlens/testkit/grafana-routing';
import { AuditLensApi, type HttpFetcher } from '../src/api/client';
import sourcePlugin from '../src/plugin.json';

jest.mock('@grafana/runtime', () => ({ getBackendSrv: () => ({}) }));

interface ProxyUrl {
  readonly method: string;
  /** As the browser requests it (path only; the query is not part of route matching). */
  readonly url: string;
  readonly madeBy: string;
}

/** Calls every public method of the client with every log type and records the requests it makes. */
async function everyClientUrl(): Promise<ProxyUrl[]> {
  const urls: ProxyUrl[] = [];
  let madeBy = '';
  const http: HttpFetcher = {
    fetch<T>(options: { url: string; method: string }): Observable<{ data: T }> {
      urls.push({ method: options.method, url: options.url, madeBy });
      const answer = options.url.endsWith('/export-grants')
        ? { grant: 'g', expiresAt: new Date().toISOString() }
        : { exports: [], rows: [], nextCursor: null };
      return of({ data: answer as T });
    },
  };
  const api = new AuditLensApi(http);
  const jobIds = ['0193a5f2-7c1e-7d2a-9b3c-4d5e6f708192', 'exp-1', 'a b/c?d'];
  // Each public method of the client, with the arguments that make it build every URL it can.
  const walks: Record<string, () => Promise<unknown>> = {
    logs: async () => {
      for (const t of LOG_TYPES) {
        const filters = Object.fromEntries(FILTER_FIELDS[t].map((f) => [f.key, 'x']));
        await api.logs(t, { from: 1, to: 2, filters, q: 'q', limit: 10, cursor: 'c' });
      }
    },
    facets: async () => {
      for (const t of LOG_TYPES) for (const f of FILTER_FIELDS[t]) await api.facets(t, f.key, 1, 2);
    },
    stats: async () => {
      for (const t of LOG_TYPES)
        for (const by of STATS_SPLITS) await api.stats(t, by, { from: 1, to: 2, filters: {} }, 60);
    },
    createExport: async () => {
      for (const t of LOG_TYPES)
        for (const format of ['csv', 'xlsx'] as const)
          await api.createExport({ logType: t, from: 1, to: 2, format, filters: {}, timezone: 'UTC' });
    },
    exports: () => api.exports(),
    resendMail: async () => {
      for (const id of jobIds) await api.resendMail(id);
    },
    integrity: async () => {
      for (const t of LOG_TYPES) await api.integrity(t, 1, 2);
    },
    exportIntegrity: () => api.exportIntegrity(),
    manifestUrl: async () => {
      for (const id of jobIds) urls.push({ method: 'GET', url: api.manifestUrl(id), madeBy });
    },
    health: () => api.health(),
    downloadUrl: async () => {
      for (const id of jobIds) urls.push({ method: 'GET', url: api.downloadUrl(id), madeBy });
    },
  };
  const methods = Object.getOwnPropertyNames(AuditLensApi.prototype).filter(
    (name) => !['constructor', 'get', 'send', 'request'].includes(name)
  );
  expect(methods.filter((m) => !(m in walks))).toEqual([]);
  for (const method of methods) {
    madeBy = method;
    await walks[method]!();
  }
  return urls;
}

/** The one action the data behind a proxy path needs, read from the path alone. */
function actionTheDataNeeds(proxyPath: string): string {
  const [first, second] = proxyPath.split('/');
  if (first === 'logs') {
    const logType = logTypeFromSlug(decodeURIComponent(second ?? ''));
    if (!logType) throw new Error(`${proxyPath}: no such log type`);
    return readAction(logType);
  }
  if (first === 'exports') return EXPORT_ACTION;
  if (first === 'health') return CORE_ACTIONS.settingsWrite;
  throw new Error(`${proxyPath}: no data this app serves`);
}

function decide(
  routes: readonly PluginProxyRoute[],
  call: ProxyUrl,
  actions: ReadonlySet<string>
): ProxyDecision {
  return decidePluginProxyRequest({
    pluginId: PLUGIN_ID,
    routes,
    method: call.method,
    proxyPath: proxyPathOf(call.url, PLUGIN_ID)!,
    caller: { can: (action) => action === CORE_ACTIONS.appAccess || actions.has(action), orgRole: 'Viewer' },
    settings: { jsonData: { exportServiceUrl: 'http://export-service:8080' }, secureJsonData: {} },
  });
}

const distPluginJson = join(__dirname, '..', 'dist', 'plugin.json');

describe.each([
  ['src/plugin.json', () => sourcePlugin.routes as PluginProxyRoute[]],
  [
    'the built dist/plugin.json',
    () => {
      // The package's `test` script builds first, so dist/ is what Grafana would load.
      if (!existsSync(distPluginJson))
        throw new Error('build the plugin first: npm run build -w grafana-plugin');
      return (JSON.parse(readFileSync(distPluginJson, 'utf8')) as { routes: PluginProxyRoute[] }).routes;
    },
  ],
])('every URL the client builds, through Grafana routes of %s', (_name, loadRoutes) => {
  let calls: ProxyUrl[];
  let routes: readonly PluginProxyRoute[];
  beforeAll(async () => {
    calls = await everyClientUrl();
    routes = loadRoutes();
  });

  it('covers every log type, sub-path and job URL', () => {
    const paths = new Set(
      calls.map((c) => proxyPathOf(c.url, PLUGIN_ID)!.replace(/exports\/[^/]+/, 'exports/<id>'))
    );
    for (const t of LOG_TYPES) {
      const base = `logs/${LOG_TYPE_SLUGS[t]}`;
      for (const sub of ['', '/facets', '/stats', '/export-grants']) expect(paths).toContain(`${base}${sub}`);
    }
    for (const p of ['exports', 'exports/<id>/file', 'exports/<id>/mail', 'health'])
      expect(paths).toContain(p);
  });

  it('resolves each to a route (no 404) that checks exactly the action its data needs', () => {
    const all = new Set([...LOG_TYPES.map(readAction), EXPORT_ACTION, CORE_ACTIONS.settingsWrite]);
    const wrong: string[] = [];
    for (const call of calls) {
      const needed = actionTheDataNeeds(proxyPathOf(call.url, PLUGIN_ID)!);
      const withAll = decide(routes, call, all);
      if (withAll.outcome !== 'forward')
        wrong.push(`${call.method} ${call.url} (${call.madeBy}): ${withAll.status}`);
      else if (withAll.route.reqAction !== needed)
        wrong.push(`${call.method} ${call.url}: checks ${withAll.route.reqAction}, needs ${needed}`);
      // Exactly that action suffices, and without it Grafana refuses.
      if (decide(routes, call, new Set([needed])).outcome !== 'forward')
        wrong.push(`${call.url}: ${needed} is not enough`);
      const withoutIt = new Set([...all].filter((a) => a !== needed));
      const refused = decide(routes, call, withoutIt);
      if (refused.outcome !== 'refused' || refused.status !== 403)
        wrong.push(`${call.url}: open without ${needed}`);
    }
    expect(wrong).toEqual([]);
  });

  it('forwards each to the export service path of the same name, the log type fixed by the route', () => {
    for (const call of calls) {
      const decision = decide(routes, call, new Set([actionTheDataNeeds(proxyPathOf(call.url, PLUGIN_ID)!)]));
      if (decision.outcome !== 'forward') throw new Error(`${call.url} refused`);
      const proxyPath = proxyPathOf(call.url, PLUGIN_ID)!;
      const target = new URL(decision.target);
      expect(target.origin).toBe('http://export-service:8080');
      expect(decodeURIComponent(target.pathname)).toBe(`/api/v1/${decodeURIComponent(proxyPath)}`);
    }
  });
});
