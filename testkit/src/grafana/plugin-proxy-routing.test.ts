import {
  decidePluginProxyRequest,
  proxyPathOf,
  renderRouteTemplate,
  type ProxyCaller,
} from './plugin-proxy-routing';
import { PluginRouteTree } from './plugin-route-tree';
import { goPathClean } from './go-path';

const everything: ProxyCaller = { can: () => true, orgRole: 'Admin' };
const settings = { jsonData: { base: 'http://backend.test' }, secureJsonData: { key: 's3cret' } };

describe('PluginRouteTree (pkg/web/tree.go semantics)', () => {
  const match = (pattern: string, path: string) => new PluginRouteTree(pattern).match(path);

  it('matches a static path exactly, never by prefix', () => {
    expect(match('logs/activity', 'logs/activity')).toEqual({});
    expect(match('logs/activity', '/logs/activity/')).toEqual({});
    expect(match('logs/activity', 'logs/activity/facets')).toBeUndefined();
    expect(match('logs/activity', 'logs/activityx')).toBeUndefined();
    expect(match('logs/activity', 'logs')).toBeUndefined();
  });

  it('takes one whole segment for :name', () => {
    expect(match('exports/:id', 'exports/abc')).toEqual({ ':id': 'abc' });
    expect(match('exports/:id', 'exports/abc/file')).toBeUndefined();
    expect(match('exports/:id/file', 'exports/abc/file')).toEqual({ ':id': 'abc' });
  });

  it('takes one or more segments for a trailing *, unescaped', () => {
    expect(match('exports/*', 'exports')).toBeUndefined();
    expect(match('exports/*', 'exports/')).toBeUndefined();
    expect(match('exports/*', 'exports/abc')).toEqual({ '*': 'abc' });
    expect(match('exports/*', 'exports/abc/file')).toEqual({ '*': 'abc/file' });
    expect(match('exports/*', 'exports/a%20b/file')).toEqual({ '*': 'a b/file' });
  });

  it('compares unescaped segments and refuses malformed escapes', () => {
    expect(match('logs/activity', 'logs/activit%79')).toEqual({});
    expect(match('logs/activity', 'logs/%zz')).toBeUndefined();
  });

  it('refuses pattern kinds it does not model', () => {
    expect(() => new PluginRouteTree('exports/:id([0-9]+)')).toThrow(/does not model/);
    expect(() => new PluginRouteTree('files/*.*')).toThrow(/does not model/);
  });
});

describe('decidePluginProxyRequest (pkg/api/pluginproxy/pluginproxy.go HandleRequest)', () => {
  // The route table and expectations of Grafana's own TestPluginProxyRoutes (pluginproxy_test.go).
  const routes = [
    { path: '', method: 'GET', url: 'http://localhost' },
    { path: 'some-api', method: 'GET', url: 'http://localhost/api' },
    { path: 'some-api/instances', method: 'GET', url: 'http://localhost/api/instances/' },
    { path: 'some-api/*', method: 'GET', url: 'http://localhost/api' },
    { path: 'some-api/instances/*', method: 'GET', url: 'http://localhost/api/instances' },
    { path: 'some-other-api/*', method: 'GET', url: 'http://localhost/api/v2' },
    { path: 'some-other-api/instances/*', method: 'GET', url: 'http://localhost/api/v2/instances' },
  ];
  it.each([
    ['/notexists', undefined],
    ['/', 'http://localhost/'],
    ['/some-api', 'http://localhost/api'],
    ['/some-api/instances', 'http://localhost/api/instances/'],
    ['/some-api/some/thing', 'http://localhost/api/some/thing'],
    // `some-api/*` comes first, so it wins over `some-api/instances/*`.
    ['/some-api/instances/instance-one', 'http://localhost/api/instances/instance-one'],
    ['/some-other-api/some/thing', 'http://localhost/api/v2/some/thing'],
    ['/some-other-api/instances/instance-one', 'http://localhost/api/v2/instances/instance-one'],
  ])('proxies %s to %s as Grafana does', (proxyPath, expected) => {
    const decision = decidePluginProxyRequest({
      pluginId: 'app',
      routes,
      method: 'GET',
      proxyPath,
      caller: everything,
      settings,
    });
    if (expected === undefined) {
      expect(decision).toMatchObject({
        outcome: 'refused',
        status: 404,
        message: 'plugin route match not found',
      });
    } else {
      expect(decision).toMatchObject({ outcome: 'forward', target: expected });
    }
  });

  it('checks only the first matching route, with its reqAction', () => {
    const guarded = [
      { path: 'data/*', reqAction: 'app.read', url: '{{ .JsonData.base }}/a' },
      { path: 'data/secret', reqAction: 'app.admin', url: '{{ .JsonData.base }}/b' },
    ];
    const reader: ProxyCaller = {
      can: (a) => a === 'app.read' || a === 'plugins.app:access',
      orgRole: 'Viewer',
    };
    const decision = decidePluginProxyRequest({
      pluginId: 'app',
      routes: guarded,
      method: 'GET',
      proxyPath: 'data/secret',
      caller: reader,
      settings,
    });
    expect(decision).toMatchObject({ outcome: 'forward', target: 'http://backend.test/a/secret' });
    const nobody: ProxyCaller = { can: (a) => a === 'plugins.app:access', orgRole: 'Viewer' };
    expect(
      decidePluginProxyRequest({
        pluginId: 'app',
        routes: guarded,
        method: 'GET',
        proxyPath: 'data/x',
        caller: nobody,
        settings,
      })
    ).toMatchObject({ outcome: 'refused', status: 403, message: 'plugin proxy route access denied' });
  });

  it('skips routes of another method, and scopes plugins:write to the plugin', () => {
    const asked: Array<[string, string | undefined]> = [];
    const caller: ProxyCaller = {
      can: (action, scope) => {
        asked.push([action, scope]);
        return true;
      },
      orgRole: 'Admin',
    };
    const only = [{ path: 'health', method: 'GET', reqAction: 'plugins:write', url: 'http://x/h' }];
    const post = decidePluginProxyRequest({
      pluginId: 'app',
      routes: only,
      method: 'POST',
      proxyPath: 'health',
      caller,
      settings,
    });
    expect(post).toMatchObject({ outcome: 'refused', status: 404 });
    decidePluginProxyRequest({
      pluginId: 'app',
      routes: only,
      method: 'get',
      proxyPath: 'health',
      caller,
      settings,
    });
    expect(asked).toContainEqual(['plugins:write', 'plugins:id:app']);
    expect(asked).toContainEqual(['plugins.app:access', 'plugins:id:app']);
  });

  it('refuses everything without plugins.app:access, before looking at routes', () => {
    const none: ProxyCaller = { can: () => false, orgRole: 'None' };
    expect(
      decidePluginProxyRequest({
        pluginId: 'app',
        routes,
        method: 'GET',
        proxyPath: 'notexists',
        caller: none,
        settings,
      })
    ).toMatchObject({ outcome: 'refused', status: 403 });
  });

  it('renders route headers from the settings', () => {
    const decision = decidePluginProxyRequest({
      pluginId: 'app',
      routes: [
        {
          path: 'x',
          url: '{{ .JsonData.base }}/x',
          headers: [{ name: 'X-Key', content: '{{ .SecureJsonData.key }}' }],
        },
      ],
      method: 'GET',
      proxyPath: 'x',
      caller: everything,
      settings,
    });
    expect(decision).toMatchObject({ outcome: 'forward', headers: [['X-Key', 's3cret']] });
  });
});

describe('renderRouteTemplate and proxyPathOf', () => {
  it('renders missing keys as Go templates do', () => {
    expect(renderRouteTemplate('{{ .JsonData.nope }}|{{.SecureJsonData.nope}}', settings)).toBe(
      '<no value>|'
    );
    expect(() => renderRouteTemplate('{{ .Other }}', settings)).toThrow(/not modelled/);
  });

  it('cuts the proxy prefix as extractProxyPath does', () => {
    expect(proxyPathOf('/api/plugin-proxy/app/logs/a%2Fb', 'app')).toBe('logs/a%2Fb');
    expect(proxyPathOf('/api/plugin-proxy/app', 'app')).toBe('');
    expect(proxyPathOf('/api/plugin-proxy/apple/x', 'app')).toBeUndefined();
    expect(proxyPathOf('/api/plugin-proxy/app/logs/access?from=1/2', 'app')).toBe('logs/access');
  });

  it.each([
    ['/api/plugin-proxy/app/logs/access/../../exports', 'exports'],
    ['/api/plugin-proxy/app/logs/./access//facets/', 'logs/access/facets'],
    // path.Join("/", ...) never climbs above the proxy root.
    ['/api/plugin-proxy/app/../../../api/admin/settings', 'api/admin/settings'],
    ['/api/plugin-proxy/app/logs/../../../../etc/passwd', 'etc/passwd'],
    // Escaped dots are not dot segments for path.Clean; the route tree unescapes them later.
    ['/api/plugin-proxy/app/logs/access/%2e%2e/%2e%2e/exports', 'logs/access/%2e%2e/%2e%2e/exports'],
  ])('cleans %s to %s as getProxyPath (path.Join("/", ...)) does', (path, expected) => {
    expect(proxyPathOf(path, 'app')).toBe(expected);
  });
});

describe('checkAppEnabled (pkg/api/plugin_checks.go), between the app access check and the proxy', () => {
  const decide = (appSetting: 'enabled' | 'disabled' | 'missing', caller: ProxyCaller = everything) =>
    decidePluginProxyRequest({
      pluginId: 'app',
      routes: [{ path: 'x', url: 'http://backend.test/x' }],
      method: 'GET',
      proxyPath: 'x',
      caller,
      settings,
      appSetting,
    });

  it('refuses a disabled app, and an org without a setting of it, with 404', () => {
    expect(decide('disabled')).toEqual({ outcome: 'refused', status: 404, message: 'Plugin is not enabled' });
    expect(decide('missing')).toEqual({
      outcome: 'refused',
      status: 404,
      message: 'Plugin setting not found',
    });
    expect(decide('enabled')).toMatchObject({ outcome: 'forward', target: 'http://backend.test/x' });
  });

  it('answers 403 first to a caller without plugins.app:access (the middleware runs before)', () => {
    expect(decide('disabled', { can: () => false, orgRole: 'None' })).toMatchObject({ status: 403 });
  });
});

describe('goPathClean (Go path.Clean)', () => {
  it.each([
    ['', '.'],
    ['/', '/'],
    ['a/b/../c', 'a/c'],
    ['../a', '../a'],
    ['/../a', '/a'],
    ['//a//b/./', '/a/b'],
    ['a/..', '.'],
  ])('%s → %s', (input, expected) => {
    expect(goPathClean(input)).toBe(expected);
  });
});
