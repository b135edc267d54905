import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import {
  GrafanaAppDashboardsDouble,
  GrafanaRuleError,
  type LoadedPlugin,
  type OrgDataSource,
} from './grafana-plugin-loader-double';

/** A data source as `POST /api/datasources` stores it. */
export interface StoredDataSource extends OrgDataSource {
  readonly url: string;
  readonly access?: string;
  readonly isDefault?: boolean;
  readonly jsonData?: Record<string, unknown>;
}

/** A rule group as `PUT /api/v1/provisioning/folder/:folderUid/rule-groups/:group` stores it. */
export interface StoredRuleGroup {
  readonly folderUid: string;
  readonly title: string;
  readonly interval: number;
  readonly rules: ReadonlyArray<{
    readonly uid: string;
    readonly data: ReadonlyArray<{ readonly datasourceUid: string; readonly model: Record<string, unknown> }>;
  }>;
}

/** One org of the double's server and what the bootstrap put in it. */
export interface OrgState {
  readonly id: number;
  readonly name: string;
  /** login → org role. */
  readonly members: Map<string, string>;
  readonly dataSources: StoredDataSource[];
  readonly folders: Array<{ uid: string; title: string }>;
  readonly contactPoints: Array<{ uid: string; name: string; type: string }>;
  policy: { receiver: string } | undefined;
  readonly ruleGroups: StoredRuleGroup[];
  /** The org's dashboards and the app's plugin setting there (grafana-plugin-loader-double.ts). */
  readonly dashboards: GrafanaAppDashboardsDouble;
  /** Service accounts created in the org, by name. */
  readonly serviceAccounts: string[];
}

/**
 * A double of the Grafana HTTP APIs `provisioning/bootstrap/*.sh` call, answering as Grafana 13 does (no Grafana
 * server runs here), with orgs: every request works in the org its `X-Grafana-Org-Id` names, else in the admin's
 * current org (`adminCurrentOrg`; authnimpl/service.go `orgIDFromRequest`); in an org the admin is not a member of
 * it is refused. Each route names what it follows:
 * - `GET /api/health` (docs `http-api/other`): `{"database":"ok",...}`, without sign-in;
 * - service accounts (docs `http-api/serviceaccount`; `ServiceAccountDTO` field order, `id` first), in the org;
 * - `GET /api/orgs/name/:name`, `POST /api/orgs`, `POST /api/orgs/:id/users` (`pkg/api/org.go`, `org_users.go`):
 *   `{"id",...}` or 404 "Organization not found"; `{"message":"Organization created","orgId"}` (the creator
 *   becomes an Admin of it) or 409 "Organization name taken"; 409 "User is already member of this organization";
 * - `GET /api/datasources/uid/:uid`, `POST /api/datasources`, `PUT /api/datasources/uid/:uid`
 *   (`pkg/api/datasources.go`): in the org only; 404 "Data source not found"; 409 for a name or uid taken;
 * - `GET /api/folders/:uid`, `POST /api/folders` (`pkg/api/folder.go`): 404 "folder not found"; 409 when taken;
 * - `GET/POST /api/v1/provisioning/contact-points`, `PUT .../contact-points/:uid`, `PUT .../policies`,
 *   `PUT .../folder/:folderUid/rule-groups/:group` (`pkg/services/ngalert/api/api_provisioning.go`): 202 for
 *   contact points and policies, a policy naming a receiver the org lacks 400, a rule group in a folder the org
 *   lacks or querying a data source it lacks 400 (the rules' queries are validated on save);
 * - `GET /api/plugins/:id/settings`, `GET /api/plugins/:id/dashboards` (`pkg/api/plugins.go`,
 *   `plugin_dashboards.go`; `checkAppEnabled` in `plugin_checks.go`): the app has a setting only where it was
 *   enabled, elsewhere 404 "Plugin setting not found";
 * - `POST /api/dashboards/import` `{pluginId, path, overwrite, inputs, folderUid}`, `DELETE /api/dashboards/uid/:uid`
 *   (`pkg/services/dashboardimport/api/api.go`, `pkg/api/dashboard.go`): in the org, into the folder, which must
 *   exist; 404 for a dashboard the org does not have;
 * - every route but health needs the admin's basic auth, else 401.
 */
export class GrafanaBootstrapApiDouble {
  readonly orgs = new Map<number, OrgState>();
  /** The org the admin works in without an org header (switched in the UI). The default value is 1. */
  adminCurrentOrg = 1;
  /** Every authenticated call: `METHOD path org`. */
  readonly calls: string[] = [];
  /** Called before each `GET /api/plugins/:id/dashboards` with how many there were: Grafana working meanwhile. */
  onPluginDashboardsRead: (reads: number) => void = () => undefined;
  private pluginDashboardReads = 0;
  private readonly server: Server;

  /** `app` is the main org's state of the app and its dashboards (org 1, "Main Org."). */
  constructor(
    private readonly auth: { user: string; password: string },
    private plugin: LoadedPlugin,
    app: GrafanaAppDashboardsDouble
  ) {
    this.orgs.set(1, this.newOrg(1, 'Main Org.', app));
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

  /** Puts another version of the plugin on the server (every org loads it at Grafana's next start). */
  installPlugin(plugin: LoadedPlugin): void {
    this.plugin = plugin;
    for (const org of this.orgs.values()) org.dashboards.installPlugin(plugin);
  }

  /** The org called `name`. */
  org(name: string): OrgState | undefined {
    return [...this.orgs.values()].find((o) => o.name === name);
  }

  private newOrg(id: number, name: string, dashboards?: GrafanaAppDashboardsDouble): OrgState {
    const dataSources: StoredDataSource[] = [];
    return {
      id,
      name,
      members: new Map([[this.auth.user, 'Admin']]),
      dataSources,
      folders: [],
      contactPoints: [],
      policy: undefined,
      ruleGroups: [],
      dashboards: dashboards ?? new GrafanaAppDashboardsDouble([this.plugin], dataSources),
      serviceAccounts: [],
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const body = await text(req);
    if (method === 'GET' && path === '/api/health') return send(res, 200, { database: 'ok' });
    const expected = `Basic ${Buffer.from(`${this.auth.user}:${this.auth.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return send(res, 401, { message: 'Unauthorized' });
    const orgId = Number(req.headers['x-grafana-org-id'] ?? this.adminCurrentOrg);
    this.calls.push(`${method} ${path} ${orgId}`);
    const org = this.orgs.get(orgId);
    if (!org || !org.members.has(this.auth.user))
      return send(res, 403, { message: 'not a member of the org' });
    const json = () => JSON.parse(body) as Record<string, unknown>;
    const m = (pattern: RegExp) => pattern.exec(path);
    let match: RegExpExecArray | null;

    // Service accounts.
    if (method === 'GET' && path === '/api/serviceaccounts/search') {
      const query = url.searchParams.get('query') ?? '';
      const found = org.serviceAccounts
        .map((name, i) => ({ id: i + 2, uid: `sa${i}`, name, login: `sa-${name}`, orgId, role: 'Admin' }))
        .filter((a) => a.name.includes(query));
      return send(res, 200, { totalCount: found.length, serviceAccounts: found, page: 1, perPage: 1000 });
    }
    if (method === 'POST' && path === '/api/serviceaccounts') {
      const name = String(json()['name']);
      org.serviceAccounts.push(name);
      const id = org.serviceAccounts.length + 1;
      return send(res, 201, { id, uid: `sa${id}`, name, login: `sa-${name}`, orgId, role: 'Admin' });
    }
    if (method === 'POST' && (match = m(/^\/api\/serviceaccounts\/(\d+)\/tokens$/))) {
      return send(res, 200, { id: 1, name: String(json()['name']), key: `glsa_test_${match[1]}` });
    }

    // Orgs (global, for the server admin).
    if (method === 'GET' && (match = m(/^\/api\/orgs\/name\/(.+)$/))) {
      const found = this.org(match[1]!);
      if (!found) return send(res, 404, { message: 'Organization not found' });
      return send(res, 200, { id: found.id, name: found.name, address: { address1: '', city: '' } });
    }
    if (method === 'POST' && path === '/api/orgs') {
      const name = String(json()['name']);
      if (this.org(name)) return send(res, 409, { message: 'Organization name taken' });
      const id = Math.max(...this.orgs.keys()) + 1;
      this.orgs.set(id, this.newOrg(id, name));
      return send(res, 200, { message: 'Organization created', orgId: id });
    }
    if (method === 'POST' && (match = m(/^\/api\/orgs\/(\d+)\/users$/))) {
      const target = this.orgs.get(Number(match[1]));
      if (!target) return send(res, 404, { message: 'Organization not found' });
      const { loginOrEmail, role } = json() as { loginOrEmail: string; role: string };
      if (target.members.has(loginOrEmail))
        return send(res, 409, { message: 'User is already member of this organization' });
      target.members.set(loginOrEmail, role);
      return send(res, 200, { message: 'User added to organization', userId: 1 });
    }

    // Data sources of the org.
    if ((match = m(/^\/api\/datasources\/uid\/([^/]+)$/))) {
      const i = org.dataSources.findIndex((d) => d.uid === match![1]);
      if (i < 0) return send(res, 404, { message: 'Data source not found' });
      if (method === 'GET') return send(res, 200, org.dataSources[i]);
      if (method === 'PUT') {
        org.dataSources[i] = { ...(json() as unknown as StoredDataSource), uid: match[1]! };
        return send(res, 200, { message: 'Datasource updated', name: org.dataSources[i]!.name });
      }
    }
    if (method === 'POST' && path === '/api/datasources') {
      const ds = json() as unknown as StoredDataSource;
      if (org.dataSources.some((d) => d.name === ds.name || d.uid === ds.uid))
        return send(res, 409, { message: 'data source with the same name already exists' });
      org.dataSources.push(ds);
      return send(res, 200, { message: 'Datasource added', name: ds.name, datasource: ds });
    }

    // Folders of the org.
    if (method === 'GET' && (match = m(/^\/api\/folders\/([^/]+)$/))) {
      const folder = org.folders.find((f) => f.uid === match![1]);
      return folder ? send(res, 200, folder) : send(res, 404, { message: 'folder not found' });
    }
    if (method === 'POST' && path === '/api/folders') {
      const { uid, title } = json() as { uid: string; title: string };
      if (org.folders.some((f) => f.uid === uid || f.title === title))
        return send(res, 409, { message: 'a folder with the same name already exists' });
      org.folders.push({ uid, title });
      return send(res, 200, { uid, title });
    }

    // Alerting provisioning API of the org.
    if (path === '/api/v1/provisioning/contact-points') {
      if (method === 'GET') return send(res, 200, org.contactPoints);
      if (method === 'POST') {
        const cp = json() as { uid: string; name: string; type: string };
        org.contactPoints.push(cp);
        return send(res, 202, cp);
      }
    }
    if (method === 'PUT' && (match = m(/^\/api\/v1\/provisioning\/contact-points\/([^/]+)$/))) {
      const i = org.contactPoints.findIndex((c) => c.uid === match![1]);
      if (i < 0) return send(res, 404, { message: 'contact point not found' });
      org.contactPoints[i] = json() as { uid: string; name: string; type: string };
      return send(res, 202, { message: 'contactpoint updated' });
    }
    if (method === 'PUT' && path === '/api/v1/provisioning/policies') {
      const policy = json() as { receiver: string; routes?: Array<{ receiver: string }> };
      for (const receiver of [policy.receiver, ...(policy.routes ?? []).map((r) => r.receiver)]) {
        if (!org.contactPoints.some((c) => c.name === receiver))
          return send(res, 400, {
            message: `invalid object specification: receiver '${receiver}' does not exist`,
          });
      }
      org.policy = policy;
      return send(res, 202, { message: 'policies updated' });
    }
    if (method === 'PUT' && (match = m(/^\/api\/v1\/provisioning\/folder\/([^/]+)\/rule-groups\/(.+)$/))) {
      const [, folderUid, title] = match as unknown as [string, string, string];
      if (!org.folders.some((f) => f.uid === folderUid))
        return send(res, 400, { message: 'folder does not exist' });
      const group = json() as unknown as StoredRuleGroup;
      for (const rule of group.rules) {
        for (const q of rule.data) {
          if (q.datasourceUid !== '__expr__' && !org.dataSources.some((d) => d.uid === q.datasourceUid))
            return send(res, 400, {
              message: `invalid alert rule: data source ${q.datasourceUid} not found`,
            });
        }
      }
      const i = org.ruleGroups.findIndex((g) => g.folderUid === folderUid && g.title === title);
      const stored = { ...group, folderUid, title };
      if (i < 0) org.ruleGroups.push(stored);
      else org.ruleGroups[i] = stored;
      return send(res, 200, stored);
    }

    // The app plugin, its dashboards, dashboards of the org.
    if ((match = m(/^\/api\/plugins\/([^/]+)\/(settings|dashboards)$/)) && method === 'GET') {
      const [, pluginId, what] = match as unknown as [string, string, string];
      let enabled: boolean;
      try {
        enabled = org.dashboards.isEnabled(pluginId);
      } catch (e) {
        if (e instanceof GrafanaRuleError)
          return send(res, 404, { message: 'Plugin not found, no installed plugin with that id' });
        throw e;
      }
      // PluginSettingDTO: `info` is plugin.json's (plugins.go Info: author, ..., version, updated, keywords).
      const info = {
        author: { name: 'AuditLens' },
        description: '',
        version: this.plugin.version,
        updated: '',
      };
      if (what === 'settings')
        return send(res, 200, {
          name: 'AuditLens',
          type: 'app',
          id: pluginId,
          enabled,
          info,
          latestVersion: '',
        });
      // checkAppEnabled guards the dashboards list: the app has a setting only where it was enabled.
      if (!org.dashboards.hasSetting(pluginId))
        return send(res, 404, { message: 'Plugin setting not found' });
      if (!enabled) return send(res, 404, { message: 'Plugin is not enabled' });
      this.onPluginDashboardsRead(this.pluginDashboardReads++);
      return send(res, 200, org.dashboards.listPluginDashboards(pluginId));
    }
    if (method === 'POST' && path === '/api/dashboards/import') {
      const {
        pluginId,
        path: reference,
        folderUid,
      } = json() as {
        pluginId: string;
        path: string;
        folderUid?: string;
      };
      if (folderUid && !org.folders.some((f) => f.uid === folderUid))
        return send(res, 400, { message: 'folder not found' });
      try {
        org.dashboards.importPluginDashboard(pluginId, reference, folderUid ?? '');
      } catch (e) {
        if (e instanceof GrafanaRuleError) return send(res, 400, { message: e.message });
        throw e;
      }
      return send(res, 200, { pluginId, path: reference, imported: true });
    }
    if (method === 'DELETE' && (match = m(/^\/api\/dashboards\/uid\/([^/]+)$/))) {
      if (!org.dashboards.deleteDashboard(match[1]!))
        return send(res, 404, { message: 'Dashboard not found' });
      return send(res, 200, { title: match[1], message: 'Dashboard deleted' });
    }
    return send(res, 404, { message: 'Not found' });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
