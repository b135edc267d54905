import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, posix, sep } from 'node:path';

// A double of what a Grafana 13 server does with an app plugin's dashboards (no Grafana server runs here): load
// the plugin folder, and, when the app is enabled in an org, import the dashboards its plugin.json includes. Each
// rule names the grafana/grafana file it follows.

/** One entry of plugin.json `includes`, with the defaults the loader fills in. */
export interface PluginInclude {
  readonly type: string;
  readonly name: string;
  readonly path: string;
  readonly uid: string;
  readonly role: string;
  readonly slug: string;
  readonly action: string;
}

/** A plugin as Grafana's loader keeps it. */
export interface LoadedPlugin {
  readonly id: string;
  readonly type: string;
  readonly version: string;
  readonly dir: string;
  readonly includes: readonly PluginInclude[];
  /** Warnings the loader logs without refusing the plugin (a missing module.js). */
  readonly warnings: readonly string[];
  /** The plugin's `includes` of type `dashboard` (`JSONData.DashboardIncludes`, pkg/plugins/plugins.go). */
  dashboardIncludes(): PluginInclude[];
  /** A file of the plugin, by a path relative to its folder (`(*Plugin).File`). */
  file(name: string): string;
}

/** Grafana's plugin-loading settings that matter here (`[plugins] allow_loading_unsigned_plugins`). */
export interface LoaderSettings {
  readonly allowUnsigned: readonly string[];
}

/** Why the loader refused a plugin or an import failed, worded as Grafana's errors. */
export class GrafanaRuleError extends Error {}

// pkg/plugins/plugins.go: the plugin types `Type.IsValid` accepts.
const PLUGIN_TYPES = ['datasource', 'panel', 'app', 'renderer', 'secretsmanager'];

/**
 * `util.CleanRelativePath` (pkg/util/filepath.go): the path made absolute, cleaned and made relative again, so
 * `..` can never leave the plugin's folder.
 */
export function cleanRelativePath(path: string): string {
  return posix.normalize(posix.join('/', path.split(sep).join('/'))).slice(1);
}

/** `slugify.Slugify` (pkg/infra/slugify) for ASCII titles: lower case, other runs of characters become `-`. */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Loads the plugin in `dir` as Grafana's loader does. */
export function loadPlugin(dir: string, settings: LoaderSettings): LoadedPlugin {
  const jsonPath = join(dir, 'plugin.json');
  if (!existsSync(jsonPath)) throw new GrafanaRuleError(`no plugin.json in ${dir}`);
  const raw = JSON.parse(readFileSync(jsonPath, 'utf8')) as {
    id?: string;
    type?: string;
    info?: { version?: string };
    includes?: Array<Partial<PluginInclude>>;
  };
  // pkg/plugins/plugins.go `validatePluginJSON`.
  if (!raw.id || !PLUGIN_TYPES.includes(raw.type ?? '')) {
    throw new GrafanaRuleError('did not find valid type or id properties in plugin.json');
  }
  const id = raw.id;
  // pkg/plugins/manager/signature/authorizer.go `CanLoadPlugin`: a plugin without MANIFEST.txt is unsigned and
  // loads only when its id is in allow_loading_unsigned_plugins (or in development mode, not modelled).
  if (!existsSync(join(dir, 'MANIFEST.txt')) && !settings.allowUnsigned.includes(id)) {
    throw new GrafanaRuleError(`plugin '${id}' has no signature`);
  }
  const warnings: string[] = [];
  // pkg/plugins/manager/pipeline/validation/steps.go `ModuleJSValidator`: a missing module.js is only logged.
  if (!existsSync(join(dir, 'module.js'))) warnings.push('Plugin missing module.js');
  // pkg/plugins/manager/pipeline/bootstrap/steps.go `TemplateDecorateFunc`: an unreplaced %VERSION% is no version.
  const version = raw.info?.version === '%VERSION%' ? '' : (raw.info?.version ?? '');
  const includes: PluginInclude[] = (raw.includes ?? []).map((inc) => ({
    type: inc.type ?? '',
    name: inc.name ?? '',
    path: inc.path ?? '',
    uid: inc.uid ?? '',
    action: inc.action ?? '',
    // pkg/plugins/plugins.go `ReadPluginJSON`: an include without a role is a Viewer's.
    role: inc.role || 'Viewer',
    // pkg/plugins/manager/pipeline/bootstrap/steps.go `setDefaultNavURL`: every include gets a slug of its name.
    slug: inc.slug || slugify(inc.name ?? ''),
  }));
  const root = realpathSync(dir);
  return {
    id,
    type: raw.type!,
    version,
    dir: root,
    includes,
    warnings,
    dashboardIncludes: () => includes.filter((i) => i.type === 'dashboard'),
    file: (name) => {
      const path = join(root, cleanRelativePath(name));
      if (!existsSync(path)) throw new GrafanaRuleError('file does not exist');
      return readFileSync(path, 'utf8');
    },
  };
}

/** A dashboard in the org's database. */
export interface StoredDashboard {
  readonly uid: string;
  readonly title: string;
  readonly slug: string;
  /** '' is the root ("General", "Dashboards"). */
  readonly folderUid: string;
  readonly pluginId: string;
  /** Saved by file provisioning (`SaveProvisionedDashboard`). */
  readonly provisioned: boolean;
  readonly data: Record<string, unknown>;
  /** Built-in role → "View" | "Edit" | "Admin", the dashboard's own managed permissions. */
  readonly builtInRoles: Map<string, string>;
}

/** An item of `GET /api/plugins/:id/dashboards` (`PluginDashboard`, pkg/services/plugindashboards/plugindashboards.go). */
export interface PluginDashboard {
  uid: string;
  pluginId: string;
  title: string;
  imported: boolean;
  importedUri: string;
  importedUrl: string;
  slug: string;
  dashboardId: number;
  folderId: number;
  importedRevision: number;
  revision: number;
  description: string;
  path: string;
  removed: boolean;
}

/** A data source of the org, as provisioning creates it. */
export interface OrgDataSource {
  readonly uid: string;
  readonly type: string;
  readonly name: string;
}

// pkg/util/shortid_generator.go `IsValidShortUID` / `IsShortUIDTooLong`.
const VALID_UID = /^[a-zA-Z0-9\-_]*$/;
const MAX_UID_LENGTH = 40;
// pkg/services/dashboardimport/utils/dash_template_evaluator.go: `${...}` references an import input.
const INPUT_REFERENCE = /\$\{.+?\}/;
const BASIC_ROLES = ['Viewer', 'Editor', 'Admin'] as const;
/** A basic role's permissions include those of the roles before it (accesscontrol `BuiltInRolesWithParents`). */
type BasicRole = (typeof BASIC_ROLES)[number];
const PERMISSION_LEVEL: Record<string, number> = { '': 0, View: 1, Edit: 2, Admin: 3 };

/**
 * One org of a Grafana server, for what happens to an app's dashboards:
 * - plugin settings and their `PluginStateChangedEvent`
 *   (pkg/services/pluginsintegration/pluginsettings/service/service.go `updatePluginSetting`: published when a
 *   setting is first inserted, or when `enabled` changes), which both the settings API and app provisioning
 *   (pkg/services/provisioning/plugins/plugin_provisioner.go) go through;
 * - the dashboard updater (pkg/services/plugindashboards/service/dashboard_updater.go): on enable, and at start-up
 *   for each enabled app whose version differs from the one recorded, sync: import each included dashboard whose
 *   `revision` (default 1) differs from the imported one, delete imported ones the plugin no longer includes,
 *   record the version; on disable, delete the app's dashboards;
 * - the listing (pkg/services/plugindashboards/service/service.go): includes loaded from the plugin folder, matched
 *   to imported dashboards of the plugin by slug;
 * - the import (pkg/services/dashboardimport/service/service.go): no inputs, no folder (so the root folder),
 *   `__inputs`/`__elements`/`__requires` dropped, overwrite, the plugin id recorded;
 * - the save (pkg/services/dashboards/service/dashboard_service.go `ImportDashboard`, `BuildSaveDashboardCommand`,
 *   `setDefaultPermissions`): title required, uid valid and at most 40 characters, a file-provisioned dashboard
 *   never overwritten; every import of a dashboard at the root gives it Editor "Edit" and Viewer "View" of its own
 *   (again on each re-import).
 */
export class GrafanaAppDashboardsDouble {
  readonly dashboards = new Map<string, StoredDashboard>();
  /** Every import, in order: dashboard uid. */
  readonly imports: string[] = [];
  private readonly settings = new Map<string, { enabled: boolean; pluginVersion: string }>();

  private plugins: LoadedPlugin[];

  constructor(
    plugins: readonly LoadedPlugin[],
    readonly dataSources: readonly OrgDataSource[] = []
  ) {
    this.plugins = [...plugins];
  }

  /** Puts another version of a plugin in place of the loaded one (takes effect for Grafana at the next start). */
  installPlugin(plugin: LoadedPlugin): void {
    this.plugins = [...this.plugins.filter((p) => p.id !== plugin.id), plugin];
  }

  private plugin(id: string): LoadedPlugin {
    const p = this.plugins.find((x) => x.id === id);
    if (!p) throw new GrafanaRuleError(`plugin with ID '${id}' not found`);
    return p;
  }

  /** Whether the app is enabled (`GET /api/plugins/:id/settings` `enabled`); throws for a plugin not loaded. */
  isEnabled(pluginId: string): boolean {
    this.plugin(pluginId);
    return this.settings.get(pluginId)?.enabled ?? false;
  }

  /** Whether the org has a setting of the plugin at all (it was enabled there once, or provisioned). */
  hasSetting(pluginId: string): boolean {
    return this.settings.has(pluginId);
  }

  /** `UpdatePluginSetting`, as the settings API and app provisioning call it. */
  updatePluginSetting(pluginId: string, enabled: boolean): void {
    const existing = this.settings.get(pluginId);
    this.settings.set(pluginId, { enabled, pluginVersion: existing?.pluginVersion ?? '' });
    if (!existing || existing.enabled !== enabled) this.pluginStateChanged(pluginId, enabled);
  }

  /** Applies an app provisioning file's `apps` (grafana-plugin/provisioning/plugins/*.yaml) for org 1. */
  provisionApps(apps: ReadonlyArray<{ type: string; org_id?: number; disabled?: boolean }>): void {
    for (const app of apps) {
      if ((app.org_id ?? 1) !== 1) continue;
      this.updatePluginSetting(app.type, !app.disabled);
    }
  }

  /** A server start: `DashboardUpdater.Run` → `updateAppDashboards`. */
  start(): void {
    for (const [pluginId, setting] of this.settings) {
      if (!setting.enabled) continue;
      const p = this.plugins.find((x) => x.id === pluginId);
      if (p && p.version !== setting.pluginVersion) this.syncPluginDashboards(p);
    }
  }

  private pluginStateChanged(pluginId: string, enabled: boolean): void {
    if (enabled) {
      this.syncPluginDashboards(this.plugin(pluginId));
      return;
    }
    for (const d of [...this.dashboards.values()]) if (d.pluginId === pluginId) this.dashboards.delete(d.uid);
  }

  private syncPluginDashboards(p: LoadedPlugin): void {
    for (const item of this.listPluginDashboards(p.id)) {
      if (item.removed) this.dashboards.delete(item.uid);
      else if (item.importedRevision !== item.revision) this.importPluginDashboard(p.id, item.path);
    }
    this.settings.get(p.id)!.pluginVersion = p.version;
  }

  /** `ListPluginDashboards`: what `GET /api/plugins/:id/dashboards` answers. */
  listPluginDashboards(pluginId: string): PluginDashboard[] {
    const p = this.plugin(pluginId);
    const existing = [...this.dashboards.values()].filter((d) => d.pluginId === pluginId);
    const matched = new Set<string>();
    const items: PluginDashboard[] = p.dashboardIncludes().map((include) => {
      const data = this.loadPluginDashboard(p, include.path);
      const title = String(data['title'] ?? '');
      const found = existing.find((d) => d.slug === slugify(title));
      if (found) matched.add(found.uid);
      return {
        uid: found?.uid ?? String(data['uid'] ?? ''),
        pluginId,
        title,
        imported: !!found,
        importedUri: found ? `db/${found.slug}` : '',
        importedUrl: found ? `/d/${found.uid}/${found.slug}` : '',
        slug: '',
        dashboardId: 0,
        folderId: 0,
        importedRevision: found ? revisionOf(found.data) : 0,
        revision: revisionOf(data),
        description: '',
        path: include.path,
        removed: false,
      };
    });
    for (const d of existing) {
      if (matched.has(d.uid)) continue;
      items.push({
        uid: d.uid,
        pluginId,
        title: '',
        imported: false,
        importedUri: '',
        importedUrl: '',
        slug: d.slug,
        dashboardId: 0,
        folderId: 0,
        importedRevision: 0,
        revision: 0,
        description: '',
        path: '',
        removed: true,
      });
    }
    return items;
  }

  /** `GetPluginDashboardFileContents` (pkg/plugins/manager/dashboards/filestore.go): only an included path. */
  private loadPluginDashboard(p: LoadedPlugin, reference: string): Record<string, unknown> {
    if (!p.dashboardIncludes().some((i) => i.path === reference)) {
      throw new GrafanaRuleError('plugin dashboard file not found');
    }
    return JSON.parse(p.file(reference)) as Record<string, unknown>;
  }

  /**
   * Imports one of the plugin's dashboards, as the updater does and as `POST /api/dashboards/import`
   * `{pluginId, path, overwrite: true, inputs: [], folderUid}` does (pkg/services/dashboardimport/api/api.go, the
   * app's Dashboards tab); the API checks the plugin exists, not that the app is enabled in the org. The updater
   * passes no folder (the root).
   */
  importPluginDashboard(pluginId: string, reference: string, folderUid = ''): void {
    const p = this.plugin(pluginId);
    const data = this.loadPluginDashboard(p, reference);
    // dash_template_evaluator.go: every `__inputs` entry needs an input, and the updater passes none (only
    // expression data sources are filled in by themselves).
    for (const input of (data['__inputs'] as Array<{ name?: string; pluginId?: string }> | undefined) ?? []) {
      if (input.pluginId !== '__expr__') {
        throw new GrafanaRuleError(`dashboard import failed: missing dashboard input variable ${input.name}`);
      }
    }
    const saved: Record<string, unknown> = { ...data };
    delete saved['__inputs'];
    delete saved['__elements'];
    delete saved['__requires'];
    const title = String(saved['title'] ?? '').trim();
    const uid = String(saved['uid'] ?? '').trim();
    if (!title) throw new GrafanaRuleError('Dashboard title cannot be empty');
    if (!VALID_UID.test(uid)) throw new GrafanaRuleError('uid contains illegal characters');
    if (uid.length > MAX_UID_LENGTH) throw new GrafanaRuleError('uid too long, max 40 characters');
    // `ValidateDashboardBeforeSave` finds the dashboard with this uid, and the import's
    // `validateProvisionedDashboard` check refuses to overwrite a file-provisioned one.
    if (this.dashboards.get(uid)?.provisioned) {
      throw new GrafanaRuleError('Cannot save provisioned dashboard');
    }
    this.dashboards.set(uid, {
      uid,
      title,
      slug: slugify(title),
      folderUid,
      pluginId: p.id,
      provisioned: false,
      data: saved,
      builtInRoles: new Map([
        ['Editor', 'Edit'],
        ['Viewer', 'View'],
      ]),
    });
    this.imports.push(uid);
  }

  /** `DELETE /api/dashboards/uid/:uid`: false when the org has no such dashboard (404). */
  deleteDashboard(uid: string): boolean {
    return this.dashboards.delete(uid);
  }

  /** A dashboard saved by file provisioning into `folderUid` (pkg/services/provisioning/dashboards). */
  provisionDashboardFile(data: Record<string, unknown>, folderUid: string): void {
    const title = String(data['title']);
    const uid = String(data['uid']);
    this.dashboards.set(uid, {
      uid,
      title,
      slug: slugify(title),
      folderUid,
      pluginId: '',
      provisioned: true,
      data,
      builtInRoles: new Map(),
    });
  }

  /** `POST /api/access-control/dashboards/:uid/builtInRoles/:role` (resourcepermissions, dashboards resource). */
  setBuiltInRolePermission(uid: string, role: string, permission: string): boolean {
    const d = this.dashboards.get(uid);
    if (!d) return false;
    if (permission) d.builtInRoles.set(role, permission);
    else d.builtInRoles.delete(role);
    return true;
  }

  /**
   * Whether a user with `role` may view or edit a dashboard: its own built-in role permissions, those of the roles
   * below (a Viewer's view is an Editor's too), Admins everything. Root dashboards inherit nothing on OSS.
   */
  can(role: BasicRole, action: 'View' | 'Edit', uid: string): boolean {
    if (role === 'Admin') return true;
    const d = this.dashboards.get(uid);
    if (!d) return false;
    const roles = BASIC_ROLES.slice(0, BASIC_ROLES.indexOf(role) + 1);
    const level = Math.max(...roles.map((r) => PERMISSION_LEVEL[d.builtInRoles.get(r) ?? '']!));
    return level >= PERMISSION_LEVEL[action]!;
  }

  /**
   * Data source references of a stored dashboard that do not resolve in this org: a `${var}` uid must name a data
   * source variable of the same plugin type, with at least one such data source in the org (the variable then
   * picks one); a literal uid must be a data source of the org; a leftover `${...}` elsewhere is an unfilled import
   * input.
   */
  unresolvedDataSources(uid: string): string[] {
    const d = this.dashboards.get(uid);
    if (!d) return [`no dashboard ${uid}`];
    const templating = (
      d.data['templating'] as { list?: Array<{ name: string; type: string; query: unknown }> }
    )?.list;
    const variables = new Map((templating ?? []).map((v) => [v.name, v]));
    const problems: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'datasource' && value && typeof value === 'object') {
          const ref = value as { type?: string; uid?: string };
          const variable = /^\$\{(\w+)\}$/.exec(ref.uid ?? '')?.[1];
          if (variable) {
            const v = variables.get(variable);
            if (!v || v.type !== 'datasource' || v.query !== ref.type) {
              problems.push(
                `${path}.datasource: \${${variable}} is no data source variable of type ${ref.type}`
              );
            } else if (!this.dataSources.some((ds) => ds.type === ref.type)) {
              problems.push(`${path}.datasource: no ${ref.type} data source in the org`);
            }
          } else if (INPUT_REFERENCE.test(ref.uid ?? '')) {
            problems.push(`${path}.datasource: ${ref.uid} is an import input nobody fills`);
          } else if (!this.dataSources.some((ds) => ds.uid === ref.uid)) {
            problems.push(`${path}.datasource: no data source with uid ${ref.uid}`);
          }
        } else walk(value, `${path}.${key}`);
      }
    };
    walk(d.data['panels'], 'panels');
    walk(templating, 'templating');
    return problems;
  }
}

function revisionOf(data: Record<string, unknown>): number {
  // `Data.Get("revision").MustInt64(1)`.
  const r = data['revision'];
  return typeof r === 'number' && Number.isInteger(r) ? r : 1;
}
