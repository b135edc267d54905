import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GrafanaRuleError, type GrafanaAppDashboardsDouble } from './grafana-plugin-loader-double';

/** One folder permission the double was asked to set. */
export interface FolderRoleGrant {
  readonly folderUid: string;
  readonly role: string;
  readonly permission: string;
}

/** One dashboard permission the double was asked to set. */
export interface DashboardRoleGrant {
  readonly dashboardUid: string;
  readonly role: string;
  readonly permission: string;
}

/**
 * A double of the few Grafana HTTP APIs `provisioning/bootstrap/grafana-service-account.sh` calls, answering as
 * Grafana 13 does (no Grafana server runs here). Each route names what it follows:
 * - `GET /api/health` (docs `http-api/other`): `{"database":"ok",...}`;
 * - `GET /api/serviceaccounts/search`, `POST /api/serviceaccounts`, `POST /api/serviceaccounts/:id/tokens`
 *   (docs `http-api/serviceaccount`; JSON field order of `pkg/services/serviceaccounts/models.go`
 *   `ServiceAccountDTO`: `id` first);
 * - `GET /api/folders` (docs `http-api/folder`): top-level folders `[{"id","uid","title"}]`;
 * - `POST /api/access-control/{folders,dashboards}/:uid/builtInRoles/:role` `{"permission"}` (grafana/grafana
 *   `pkg/services/accesscontrol/resourcepermissions/api.go`; the folder and dashboard services in
 *   `pkg/services/accesscontrol/ossaccesscontrol/` allow built-in role assignments on OSS; an unknown resource 404);
 * - `GET /api/plugins/:id/dashboards` (`pkg/api/plugin_dashboards.go`, `GetPluginDashboards`): the app's
 *   `PluginDashboard` list as the app double (`grafana-plugin-loader-double.ts`) holds it, 404 for an unknown plugin;
 * - `GET /api/plugins/:id/settings` (`pkg/api/plugins.go`, `GetPluginSettingByID`): `{id, type, enabled, ...}`,
 *   404 "Plugin not found, no installed plugin with that id";
 * - `POST /api/dashboards/import` `{pluginId, path, overwrite, inputs}` (`pkg/services/dashboardimport/api/api.go`):
 *   imports the plugin's dashboard through the app double;
 * - every route but health needs the admin's basic auth, else 401.
 */
export class GrafanaBootstrapApiDouble {
  readonly grants: FolderRoleGrant[] = [];
  readonly dashboardGrants: DashboardRoleGrant[] = [];
  /** Paths imported through `POST /api/dashboards/import`. */
  readonly apiImports: string[] = [];
  /** Called before each `GET /api/plugins/:id/dashboards` with how many there were: Grafana working meanwhile. */
  onPluginDashboardsRead: (reads: number) => void = () => undefined;
  private pluginDashboardReads = 0;
  readonly createdAccounts: string[] = [];
  /** Folders appear only after this many `GET /api/folders` calls (provisioning still running). */
  foldersHiddenFor = 0;
  private readonly server: Server;
  private folderReads = 0;

  constructor(
    private readonly auth: { user: string; password: string },
    private readonly folders: Array<{ id: number; uid: string; title: string }>,
    private readonly app?: GrafanaAppDashboardsDouble
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => send(res, 500, { message: String(e) }));
    });
  }

  /** Starts the double on a free port of 127.0.0.1. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    if (req.method === 'GET' && url.pathname === '/api/health') return send(res, 200, { database: 'ok' });
    const expected = `Basic ${Buffer.from(`${this.auth.user}:${this.auth.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return send(res, 401, { message: 'Unauthorized' });

    if (req.method === 'GET' && url.pathname === '/api/serviceaccounts/search') {
      const query = url.searchParams.get('query') ?? '';
      const found = this.createdAccounts
        .map((name, i) => ({ id: i + 2, uid: `sa${i}`, name, login: `sa-${name}`, orgId: 1, role: 'Admin' }))
        .filter((a) => a.name.includes(query));
      return send(res, 200, { totalCount: found.length, serviceAccounts: found, page: 1, perPage: 1000 });
    }
    if (req.method === 'POST' && url.pathname === '/api/serviceaccounts') {
      const { name } = JSON.parse(body) as { name: string };
      this.createdAccounts.push(name);
      const id = this.createdAccounts.length + 1;
      return send(res, 201, { id, uid: `sa${id}`, name, login: `sa-${name}`, orgId: 1, role: 'Admin' });
    }
    const token = /^\/api\/serviceaccounts\/(\d+)\/tokens$/.exec(url.pathname);
    if (req.method === 'POST' && token) {
      const { name } = JSON.parse(body) as { name: string };
      return send(res, 200, { id: 1, name, key: `glsa_test_${token[1]}` });
    }
    if (req.method === 'GET' && url.pathname === '/api/folders') {
      this.folderReads += 1;
      return send(res, 200, this.folderReads > this.foldersHiddenFor ? this.folders : []);
    }
    const plugin = /^\/api\/plugins\/([^/]+)\/dashboards$/.exec(url.pathname);
    if (req.method === 'GET' && plugin && this.app) {
      this.onPluginDashboardsRead(this.pluginDashboardReads++);
      try {
        return send(res, 200, this.app.listPluginDashboards(plugin[1]!));
      } catch (e) {
        if (e instanceof GrafanaRuleError) return send(res, 404, { message: e.message });
        throw e;
      }
    }
    const settings = /^\/api\/plugins\/([^/]+)\/settings$/.exec(url.pathname);
    if (req.method === 'GET' && settings && this.app) {
      try {
        const enabled = this.app.isEnabled(settings[1]!);
        return send(res, 200, { name: 'AuditLens', type: 'app', id: settings[1], enabled, pinned: enabled });
      } catch (e) {
        if (e instanceof GrafanaRuleError)
          return send(res, 404, { message: 'Plugin not found, no installed plugin with that id' });
        throw e;
      }
    }
    if (req.method === 'POST' && url.pathname === '/api/dashboards/import' && this.app) {
      const { pluginId, path } = JSON.parse(body) as { pluginId: string; path: string };
      try {
        this.app.importPluginDashboard(pluginId, path);
      } catch (e) {
        if (e instanceof GrafanaRuleError) return send(res, 400, { message: e.message });
        throw e;
      }
      this.apiImports.push(path);
      return send(res, 200, { pluginId, path, imported: true });
    }
    const grant = /^\/api\/access-control\/(folders|dashboards)\/([^/]+)\/builtInRoles\/([^/]+)$/.exec(
      url.pathname
    );
    if (req.method === 'POST' && grant) {
      const [, kind, uid, role] = grant as unknown as [string, string, string, string];
      const exists =
        kind === 'folders' ? this.folders.some((f) => f.uid === uid) : !!this.app?.dashboards.has(uid);
      if (!exists)
        return send(res, 404, { message: `${kind === 'folders' ? 'folder' : 'dashboard'} not found` });
      if (!['Viewer', 'Editor', 'Admin'].includes(role)) return send(res, 400, { message: 'invalid role' });
      const { permission } = JSON.parse(body) as { permission: string };
      if (!['', 'View', 'Edit', 'Admin'].includes(permission))
        return send(res, 400, { message: 'invalid permission' });
      if (kind === 'folders') this.grants.push({ folderUid: uid, role, permission });
      else {
        this.app!.setBuiltInRolePermission(uid, role, permission);
        this.dashboardGrants.push({ dashboardUid: uid, role, permission });
      }
      return send(res, 200, { message: permission ? 'Permission updated' : 'Permission removed' });
    }
    return send(res, 404, { message: 'Not found' });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
