// Stands in for Grafana's server at the plugin's boundary (backendSrv.fetch), where no Grafana can run. The
// plugin proxy decides with the Grafana double's routing (`@auditlens/testkit/grafana-routing`, written from
// `pkg/api/pluginproxy/pluginproxy.go` and `pkg/web/tree.go`): routes of plugin.json tried in order, matched
// exactly as `web.Tree` patterns, the first match's reqAction checked against the signed-in user's
// permissions, the route URL and headers rendered from the app's settings. A forwarded request reaches the
// export-service double. Every request is recorded, so tests can say which routes a user's pages called.
import { Observable } from 'rxjs';
import { APP_JSON_DATA, APP_SECURE_JSON_DATA, PLUGIN_ID } from '@auditlens/contract';
import {
  decidePluginProxyRequest,
  proxyPathOf,
  type PluginProxyRoute,
  type PluginSettingsData,
} from '@auditlens/testkit/grafana-routing';
import plugin from '../../src/plugin.json';
import type { FakeExportService } from './fakeExportService';
import { ALERT_INSTANCES_READ, GRAFANA_ALERTS_URL, type GrafanaAlert } from '../../src/api/alerting';

/** One call the pages made through backendSrv. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly data?: unknown;
  readonly status: number;
  /** For a plugin-proxy call that matched a route: the route's path and the reqAction Grafana checked. */
  readonly route?: { readonly path: string; readonly reqAction?: string };
}

/** The options of backendSrv.fetch that the app uses. */
export interface FetchOptions {
  readonly url: string;
  readonly method?: string;
  readonly params?: Record<string, string>;
  readonly data?: unknown;
}

const PROXY_PREFIX = `/api/plugin-proxy/${PLUGIN_ID}/`;
/** Where the double's Grafana believes the export service is (the app's `jsonData`). */
const SERVICE_BASE = 'http://export-service.test';
const SETTINGS: PluginSettingsData = {
  jsonData: { [APP_JSON_DATA.exportServiceUrl]: SERVICE_BASE },
  secureJsonData: { [APP_SECURE_JSON_DATA.sharedSecret]: 'browser-double-secret' },
};
const SERVICE_API = `${SERVICE_BASE}/api/v1`;

/** Grafana's server as the plugin's browser code meets it. */
export class FakeGrafanaServer {
  readonly requests: RecordedRequest[] = [];
  readonly savedSettings: unknown[] = [];
  /** Answer time in ms; the browser harness slows answers down to show loading states. */
  latencyMs = 0;
  private readonly holds: Array<{ matches: (url: string) => boolean; released: Promise<void> }> = [];

  constructor(
    private readonly service: FakeExportService,
    private readonly user: { login: string; permissions: Readonly<Record<string, boolean>> },
    /** Alert instances of Grafana's rule evaluator, every state (Normal ones too). */
    readonly alertStates: readonly GrafanaAlert[] = []
  ) {}

  /** backendSrv.fetch */
  fetch<T>(options: FetchOptions): Observable<{ data: T; status: number; ok: boolean }> {
    return new Observable((subscriber) => {
      const answer = this.answer(options);
      let timer: ReturnType<typeof setTimeout> | undefined;
      let cancelled = false;
      const held = this.holds.find((h) => h.matches(options.url));
      void (held?.released ?? Promise.resolve()).then(() => {
        if (cancelled) return;
        timer = setTimeout(() => {
          if (answer.status < 400) {
            subscriber.next({ data: answer.data as T, status: answer.status, ok: true });
            subscriber.complete();
          } else subscriber.error({ status: answer.status, data: answer.data, config: options });
        }, this.latencyMs);
      });
      return () => {
        cancelled = true;
        clearTimeout(timer);
      };
    });
  }

  /**
   * Keeps the answers to URLs ending in `suffix` back until the returned function is called, as a slow
   * upstream would (a count over a long range while the rows are long in).
   */
  hold(suffix: string): () => void {
    let release = (): void => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const hold = { matches: (url: string) => url.endsWith(suffix), released };
    this.holds.push(hold);
    return () => {
      this.holds.splice(this.holds.indexOf(hold), 1);
      release();
    };
  }

  /** Paths (after the proxy prefix) the pages called, in order, with their answers' status. */
  proxyCalls(): Array<{ path: string; status: number }> {
    return this.requests
      .filter((r) => r.url.startsWith(PROXY_PREFIX))
      .map((r) => ({ path: r.url.slice(PROXY_PREFIX.length), status: r.status }));
  }

  /**
   * `GET /api/prometheus/grafana/api/v1/alerts`: authorization.go lets it through with `alert.instances:read`
   * only (403 with accesscontrol's message otherwise); RouteGetAlertStatuses answers every instance of the
   * org, whatever its state or folder, internal (`__`) labels left out.
   */
  private alerts(): [number, unknown] {
    if (!this.user.permissions[ALERT_INSTANCES_READ])
      return [
        403,
        {
          accessErrorId: 'ACE0000000001',
          message:
            "You'll need additional permissions to perform this action. Permissions needed: alert.instances:read",
          title: 'Access denied',
        },
      ];
    const alerts = this.alertStates.map((a) => ({
      ...a,
      labels: Object.fromEntries(Object.entries(a.labels).filter(([k]) => !k.startsWith('__'))),
    }));
    return [200, { status: 'success', data: { alerts } }];
  }

  private answer(options: FetchOptions): { status: number; data: unknown } {
    const method = (options.method ?? 'GET').toUpperCase();
    const params = options.params ?? {};
    const record = (status: number, data: unknown, route?: RecordedRequest['route']) => {
      this.requests.push({ method, url: options.url, params, data: options.data, status, route });
      return { status, data };
    };
    if (options.url === `/api/plugins/${PLUGIN_ID}/settings` && method === 'POST') {
      if (!this.user.permissions['plugins:write']) return record(403, { message: 'Access denied' });
      this.savedSettings.push(options.data);
      return record(200, { message: 'Plugin settings updated' });
    }
    if (options.url === GRAFANA_ALERTS_URL && method === 'GET') return record(...this.alerts());
    const proxyPath = proxyPathOf(options.url, PLUGIN_ID);
    if (proxyPath === undefined) return record(404, { message: 'Not found' });
    const decision = decidePluginProxyRequest({
      pluginId: PLUGIN_ID,
      routes: plugin.routes as PluginProxyRoute[],
      method,
      proxyPath,
      // Grafana's frontend user carries its permissions as action → true (bootData `user.permissions`).
      caller: { can: (action) => this.user.permissions[action] === true, orgRole: 'Viewer' },
      settings: SETTINGS,
    });
    const route = decision.route && { path: decision.route.path, reqAction: decision.route.reqAction };
    if (decision.outcome === 'refused') return record(decision.status, { message: decision.message }, route);
    if (!decision.target.startsWith(SERVICE_API))
      return record(502, { message: 'route points elsewhere' }, route);
    const res = this.service.handle({
      method,
      path: decision.target.slice(SERVICE_API.length),
      params,
      data: options.data,
      login: this.user.login,
    });
    // Over HTTP every answer is fresh JSON; never hand the page the double's own objects.
    return record(res.status, JSON.parse(JSON.stringify(res.data)) as unknown, route);
  }
}
