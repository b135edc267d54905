// Stands in for Grafana's server at the plugin's boundary (backendSrv.fetch), where no Grafana can run:
// the plugin proxy matches a route of plugin.json, denies it with 403 unless the signed-in user has its
// reqAction (as Grafana's proxy does), and forwards it to the export-service double. Every request is
// recorded, so tests can say which routes a user's pages called.
import { Observable } from 'rxjs';
import { PLUGIN_ID } from '@auditlens/contract';
import plugin from '../../src/plugin.json';
import type { FakeExportService } from './fakeExportService';

interface Route {
  readonly path: string;
  readonly url: string;
  readonly reqAction?: string;
}

/** One call the pages made through backendSrv. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly params: Readonly<Record<string, string>>;
  readonly data?: unknown;
  readonly status: number;
}

/** The options of backendSrv.fetch that the app uses. */
export interface FetchOptions {
  readonly url: string;
  readonly method?: string;
  readonly params?: Record<string, string>;
  readonly data?: unknown;
}

const PROXY_PREFIX = `/api/plugin-proxy/${PLUGIN_ID}/`;
const SERVICE_URL = '{{ .JsonData.exportServiceUrl }}/api/v1';

/** Grafana's server as the plugin's browser code meets it. */
export class FakeGrafanaServer {
  readonly requests: RecordedRequest[] = [];
  readonly savedSettings: unknown[] = [];
  /** Answer time in ms; the browser harness slows answers down to show loading states. */
  latencyMs = 0;

  constructor(
    private readonly service: FakeExportService,
    private readonly user: { login: string; permissions: Readonly<Record<string, boolean>> }
  ) {}

  /** backendSrv.fetch */
  fetch<T>(options: FetchOptions): Observable<{ data: T; status: number; ok: boolean }> {
    return new Observable((subscriber) => {
      const answer = this.answer(options);
      const timer = setTimeout(() => {
        if (answer.status < 400) {
          subscriber.next({ data: answer.data as T, status: answer.status, ok: true });
          subscriber.complete();
        } else subscriber.error({ status: answer.status, data: answer.data, config: options });
      }, this.latencyMs);
      return () => clearTimeout(timer);
    });
  }

  /** Paths (after the proxy prefix) the pages called, in order, with their answers' status. */
  proxyCalls(): Array<{ path: string; status: number }> {
    return this.requests
      .filter((r) => r.url.startsWith(PROXY_PREFIX))
      .map((r) => ({ path: r.url.slice(PROXY_PREFIX.length), status: r.status }));
  }

  private answer(options: FetchOptions): { status: number; data: unknown } {
    const method = (options.method ?? 'GET').toUpperCase();
    const params = options.params ?? {};
    const record = (status: number, data: unknown) => {
      this.requests.push({ method, url: options.url, params, data: options.data, status });
      return { status, data };
    };
    if (options.url === `/api/plugins/${PLUGIN_ID}/settings` && method === 'POST') {
      if (!this.user.permissions['plugins:write']) return record(403, { message: 'Access denied' });
      this.savedSettings.push(options.data);
      return record(200, { message: 'Plugin settings updated' });
    }
    if (!options.url.startsWith(PROXY_PREFIX)) return record(404, { message: 'Not found' });
    const rest = options.url.slice(PROXY_PREFIX.length);
    const route = (plugin.routes as Route[])
      .filter((r) => rest === r.path || rest.startsWith(`${r.path}/`))
      .sort((a, b) => b.path.length - a.path.length)[0];
    if (!route) return record(404, { message: 'Plugin route not found' });
    if (!route.reqAction || !this.user.permissions[route.reqAction])
      return record(403, { message: 'Access denied' });
    if (!route.url.startsWith(SERVICE_URL)) return record(502, { message: 'route points elsewhere' });
    const path = route.url.slice(SERVICE_URL.length) + rest.slice(route.path.length);
    const res = this.service.handle({ method, path, params, data: options.data, login: this.user.login });
    // Over HTTP every answer is fresh JSON; never hand the page the double's own objects.
    return record(res.status, JSON.parse(JSON.stringify(res.data)) as unknown);
  }
}
