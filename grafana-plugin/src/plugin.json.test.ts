import {
  APP_BASE_PATH,
  APP_JSON_DATA,
  APP_SECURE_JSON_DATA,
  CORE_ACTIONS,
  EXPORT_ACTION,
  LOG_TYPES,
  PLUGIN_ID,
  PROXY_ROUTES,
  PROXY_ROUTE_TABLE,
  SECRET_HEADER,
  readAction,
} from '@auditlens/contract';
import plugin from './plugin.json';

interface Route {
  path: string;
  method?: string;
  url: string;
  reqAction?: string;
  reqRole?: string;
  headers: Array<{ name: string; content: string }>;
}
interface Include {
  type: string;
  path: string;
  action?: string;
  role?: string;
}
interface Role {
  role: { name: string; permissions: Array<{ action: string }> };
  grants: string[];
}

const routes = plugin.routes as Route[];
const includes = plugin.includes as Include[];
const roles = plugin.roles as Role[];
const declared = new Set(roles.flatMap((r) => r.role.permissions.map((p) => p.action)));
const core = new Set<string>(Object.values(CORE_ACTIONS));

/** The plugin's own actions must be declared in its roles; others must be core actions it means to use. */
function isKnownAction(action: string | undefined): boolean {
  if (!action) return false;
  return action.startsWith(`${PLUGIN_ID}.`) ? declared.has(action) : core.has(action);
}

describe('plugin.json', () => {
  it('is the AuditLens app', () => {
    expect(plugin).toMatchObject({ type: 'app', id: PLUGIN_ID });
    expect(plugin.dependencies.grafanaDependency).toBe('>=12.4.0');
    expect(plugin.info.version).toBe('%VERSION%');
  });

  it("declares exactly the contract's proxy routes, in its order (Grafana takes the first match)", () => {
    expect(routes.map(({ path, method, reqAction, url }) => ({ path, method, reqAction, url }))).toEqual(
      PROXY_ROUTE_TABLE.map((r) => ({
        path: r.path,
        method: r.method,
        reqAction: r.reqAction,
        url: `{{ .JsonData.${APP_JSON_DATA.exportServiceUrl} }}${r.servicePath}`,
      }))
    );
    for (const t of LOG_TYPES) {
      expect(routes.find((r) => r.path === PROXY_ROUTES.logs(t))?.reqAction).toBe(readAction(t));
      expect(routes.find((r) => r.path === PROXY_ROUTES.logsSubPaths(t))?.reqAction).toBe(readAction(t));
    }
    expect(routes.find((r) => r.path === PROXY_ROUTES.exportsSubPaths)?.reqAction).toBe(EXPORT_ACTION);
    expect(routes.find((r) => r.path === PROXY_ROUTES.health)?.reqAction).toBe(CORE_ACTIONS.settingsWrite);
  });

  it('guards every route, points it at the configured export service and injects the shared secret', () => {
    for (const r of routes) {
      expect(isKnownAction(r.reqAction)).toBe(true);
      expect(r.url.startsWith(`{{ .JsonData.${APP_JSON_DATA.exportServiceUrl} }}/`)).toBe(true);
      expect(r.headers).toEqual([
        { name: SECRET_HEADER, content: `{{ .SecureJsonData.${APP_SECURE_JSON_DATA.sharedSecret} }}` },
      ]);
    }
    // A route's target path is fixed by its URL, so a read route can never reach another type's data.
    for (const t of LOG_TYPES) {
      expect(
        routes.find((r) => r.path === PROXY_ROUTES.logs(t))!.url.endsWith(`/api/v1/${PROXY_ROUTES.logs(t)}`)
      ).toBe(true);
    }
  });

  it('gives every page an action, declared in a role or a Grafana core action on the plugin', () => {
    for (const inc of includes.filter((i) => i.type === 'page')) expect(isKnownAction(inc.action)).toBe(true);
    expect(includes.find((i) => i.path === `${APP_BASE_PATH}/overview`)?.action).toBe(CORE_ACTIONS.appAccess);
    expect(includes.find((i) => i.path === `/plugins/${PLUGIN_ID}`)?.action).toBe(CORE_ACTIONS.settingsWrite);
    for (const t of LOG_TYPES) {
      expect(includes.find((i) => i.action === readAction(t))?.path.startsWith(`${APP_BASE_PATH}/`)).toBe(
        true
      );
    }
  });

  it('declares a viewer role granted to Editor, an exporter role granted to Admin, and a role per log type', () => {
    // Grafana OSS cannot assign roles to users or teams: these grants are all an OSS install has
    // (permissionMatrix.test.ts checks the resulting matrix: Viewer nothing, Editor reads, Admin also exports).
    const byName = new Map(roles.map((r) => [r.role.name, r]));
    const viewer = byName.get('Audit log viewer')!;
    const exporter = byName.get('Audit log exporter')!;
    expect(viewer.grants).toEqual(['Editor']);
    expect(exporter.grants).toEqual(['Admin']);
    const actions = (r: Role) => r.role.permissions.map((p) => p.action).sort();
    expect(actions(viewer)).toEqual(LOG_TYPES.map(readAction).sort());
    expect(actions(exporter)).toEqual([...LOG_TYPES.map(readAction), EXPORT_ACTION].sort());
    for (const t of LOG_TYPES) {
      expect(
        roles.some((r) => r.role.permissions.length === 1 && r.role.permissions[0]!.action === readAction(t))
      ).toBe(true);
    }
  });
});
