// Double of what Grafana's plugin proxy decides for `/api/plugin-proxy/<plugin-id>/<path>`, before any bytes
// are forwarded. Pure (no I/O), so the plugin's in-browser double and the HTTP double share it. Written from
// grafana/grafana:
// - `pkg/api/api.go`: `/api/plugin-proxy/:pluginId/*` and `/api/plugin-proxy/:pluginId` need
//   `plugins.app:access` on `plugins:id:<pluginId>` (otherwise the access-control middleware answers 403).
// - `pkg/api/api.go`: `checkAppEnabled` (`pkg/api/plugin_checks.go`) runs after that check and before the proxy:
//   an app without a setting in the caller's org is 404 "Plugin setting not found", a disabled one 404 "Plugin is
//   not enabled".
// - `pkg/api/plugin_proxy.go` `getProxyPath` (grafana/grafana 00874f39): `path.Join("/", extractProxyPath(URL.EscapedPath()))`, i.e. the
//   escaped request path with `^/api/plugin-proxy/<id>/?` cut off, then cleaned as Go's `path.Clean` does
//   (`go-path.ts`): `.` and `..` resolved, never above the proxy root, so `logs/access/../../exports` is
//   `exports` and `../../api/admin` is `api/admin`. Escaped dots (`%2e%2e`) are not dot segments there.
// - `pkg/api/pluginproxy/pluginproxy.go` `HandleRequest`: routes are tried in plugin.json order; a route whose
//   `method` is set (and not `*`) must equal the request's; its `path` must match as a `web.Tree` pattern; the
//   FIRST match wins and its access check decides (403 "plugin proxy route access denied"); no match is 404
//   "plugin route match not found". The `*` capture becomes the proxy path, otherwise it is emptied.
// - same file, `hasAccessToRoute`: `reqAction` through `pluginaccesscontrol.GetPluginRouteEvaluator` (scoped to
//   `plugins:id:<id>` only for `plugins:write` and `plugins.app:access`), else `reqRole` against the org role
//   (`GetOrgRole().Includes`, so a server admin gets no extra), else open.
// - same file, `director`: the route `url` is rendered as a Go template with `.JsonData`/`.SecureJsonData`, its
//   scheme, host and path kept (`util.JoinURLFragments(target.Path, proxyPath)`), the request's query kept.
// - `pkg/api/pluginproxy/utils.go` `addHeaders`: each route header's `content` rendered the same way and set.
import type { OrgRole } from './grafana-rbac';
import { orgRoleIncludes } from './grafana-rbac';
import { PluginRouteTree } from './plugin-route-tree';
import { goPathJoin } from './go-path';

/** One `routes[]` entry of plugin.json, as far as the proxy reads it. */
export interface PluginProxyRoute {
  readonly path: string;
  readonly method?: string;
  readonly reqAction?: string;
  readonly reqRole?: string;
  readonly url?: string;
  readonly headers?: ReadonlyArray<{ readonly name: string; readonly content: string }>;
}

/** The plugin settings Grafana renders route templates with (`templateData` in pluginproxy.go). */
export interface PluginSettingsData {
  readonly jsonData: Readonly<Record<string, unknown>>;
  readonly secureJsonData: Readonly<Record<string, string>>;
}

/** Who is asking, as far as the proxy's checks go. */
export interface ProxyCaller {
  /** `accessControl.Evaluate(EvalPermission(action, scope?))` for this caller. */
  can(action: string, scope?: string): boolean;
  readonly orgRole: OrgRole;
}

/**
 * The app's plugin setting in the caller's org, as `checkAppEnabled` finds it: `missing` when the org has no setting
 * (the app was never enabled there), `disabled` when it was switched off.
 */
export type AppSettingState = 'enabled' | 'disabled' | 'missing';

/** Grafana's answer: refuse (with its status and message), or forward to `target` with `headers` set. */
export type ProxyDecision =
  | {
      readonly outcome: 'refused';
      readonly status: 403 | 404;
      readonly message: string;
      readonly route?: PluginProxyRoute;
    }
  | {
      readonly outcome: 'forward';
      readonly route: PluginProxyRoute;
      /** Absolute URL without the query (Grafana keeps the incoming request's query string). */
      readonly target: string;
      readonly headers: ReadonlyArray<readonly [string, string]>;
    };

/** Messages Grafana answers with (pluginproxy.go, the access-control middleware). */
export const PROXY_MESSAGES = {
  noRoute: 'plugin route match not found',
  routeDenied: 'plugin proxy route access denied',
  appDenied:
    "You'll need additional permissions to perform this action. Permissions needed: plugins.app:access",
  appDisabled: 'Plugin is not enabled',
  appSettingMissing: 'Plugin setting not found',
} as const;

// pluginaccesscontrol.go `pluginsActions`: only these get the plugin's scope.
const PLUGIN_SCOPED_ACTIONS = new Set(['plugins:write', 'plugins.app:access']);

/**
 * The proxy path Grafana derives from a request path (`getProxyPath`: prefix cut, then `path.Join("/", ...)`),
 * without its leading "/" (the route tree trims it anyway), or undefined when the path is not under
 * `/api/plugin-proxy/<pluginId>`. A query string, if given, is not part of the path (Go's `EscapedPath`).
 */
export function proxyPathOf(escapedRequestPath: string, pluginId: string): string | undefined {
  const path = escapedRequestPath.split('?')[0]!;
  const prefix = `/api/plugin-proxy/${pluginId}`;
  if (path !== prefix && !path.startsWith(`${prefix}/`)) return undefined;
  return goPathJoin('/', path.slice(prefix.length)).slice(1);
}

/** Decides a plugin-proxy request as Grafana does: app access, the first matching route, its access check. */
export function decidePluginProxyRequest(args: {
  readonly pluginId: string;
  readonly routes: readonly PluginProxyRoute[];
  readonly method: string;
  /** As returned by {@link proxyPathOf} (cleaned; an uncleaned path is matched as given). */
  readonly proxyPath: string;
  readonly caller: ProxyCaller;
  readonly settings: PluginSettingsData;
  /** The app's setting in the caller's org. The default value is `enabled`. */
  readonly appSetting?: AppSettingState;
}): ProxyDecision {
  const { pluginId, caller } = args;
  if (!caller.can('plugins.app:access', `plugins:id:${pluginId}`)) {
    return { outcome: 'refused', status: 403, message: PROXY_MESSAGES.appDenied };
  }
  // plugin_checks.go checkAppEnabled: no setting in the org (and the app is not auto-enabled), or enabled false.
  if (args.appSetting === 'missing') {
    return { outcome: 'refused', status: 404, message: PROXY_MESSAGES.appSettingMissing };
  }
  if (args.appSetting === 'disabled') {
    return { outcome: 'refused', status: 404, message: PROXY_MESSAGES.appDisabled };
  }
  const method = args.method.toUpperCase();
  for (const route of args.routes) {
    if (route.method && route.method !== '*' && route.method !== method) continue;
    const params = new PluginRouteTree(route.path).match(args.proxyPath);
    if (!params) continue;
    if (!hasAccessToRoute(route, pluginId, caller)) {
      return { outcome: 'refused', status: 403, message: PROXY_MESSAGES.routeDenied, route };
    }
    const rest = params['*'] ?? '';
    const base = new URL(renderRouteTemplate(route.url ?? '', args.settings));
    const target = `${base.protocol}//${base.host}${escapePath(joinUrlFragments(decodePath(base.pathname), rest))}`;
    const headers = (route.headers ?? []).map(
      (h) => [h.name, renderRouteTemplate(h.content, args.settings)] as const
    );
    return { outcome: 'forward', route, target, headers };
  }
  return { outcome: 'refused', status: 404, message: PROXY_MESSAGES.noRoute };
}

function hasAccessToRoute(route: PluginProxyRoute, pluginId: string, caller: ProxyCaller): boolean {
  if (route.reqAction) {
    return PLUGIN_SCOPED_ACTIONS.has(route.reqAction)
      ? caller.can(route.reqAction, `plugins:id:${pluginId}`)
      : caller.can(route.reqAction);
  }
  if (isOrgRole(route.reqRole)) return orgRoleIncludes(caller.orgRole, route.reqRole);
  return true;
}

function isOrgRole(value: string | undefined): value is OrgRole {
  return value === 'None' || value === 'Viewer' || value === 'Editor' || value === 'Admin';
}

/**
 * Renders a route template the way Go's text/template does for the two fields plugin routes use. A missing
 * `.JsonData` key (a map of any) prints `<no value>`; a missing `.SecureJsonData` key (a map of strings)
 * prints nothing. Any other template action throws: the double does not model it.
 */
export function renderRouteTemplate(text: string, settings: PluginSettingsData): string {
  return text.replace(/\{\{(.*?)\}\}/g, (_whole, inner: string) => {
    const field = /^\s*\.(JsonData|SecureJsonData)\.([A-Za-z0-9_]+)\s*$/.exec(inner);
    if (!field) throw new Error(`route template "{{${inner}}}" is not modelled by the Grafana double`);
    if (field[1] === 'SecureJsonData') return settings.secureJsonData[field[2]!] ?? '';
    const value = settings.jsonData[field[2]!];
    return value === undefined || value === null ? '<no value>' : String(value);
  });
}

// Go keeps `URL.Path` unescaped and escapes it when sending (`URL.EscapedPath`): a `%2F` the tree unescaped
// in the `*` capture goes out as a real "/", while "?", "#", "%" and spaces are escaped again.
function escapePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/%(24|26|2B|2C|3A|3B|3D|40)/g, (e) => decodeURIComponent(e)))
    .join('/');
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

// pkg/util/url.go `JoinURLFragments`.
function joinUrlFragments(a: string, b: string): string {
  if (b === '') return a;
  const aSlash = a.endsWith('/');
  const bSlash = b.startsWith('/');
  if (aSlash && bSlash) return a + b.slice(1);
  if (!aSlash && !bSlash) return `${a}/${b}`;
  return a + b;
}
