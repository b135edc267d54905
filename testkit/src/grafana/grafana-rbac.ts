// Double of Grafana's RBAC as far as AuditLens meets it: which permissions a basic role carries, how a plugin's
// roles reach basic roles through plugin.json `grants`, and how one permission is evaluated. Written from
// grafana/grafana `pkg/services/accesscontrol/` (acimpl/service.go `RegisterFixedRoles`, models.go
// `BuiltInRolesWithParents`, evaluator.go) and `pkg/services/accesscontrol/roles.go` (fixed roles granted
// to basic roles). Only the core actions that AuditLens or the double's endpoints check are listed.

/** Grafana's org roles (`org.RoleType`). */
export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';

/** The basic role of a Grafana server admin (`accesscontrol.RoleGrafanaAdmin`), held beside the org role. */
export const GRAFANA_ADMIN = 'Grafana Admin';

/** One RBAC permission: an action and, for scoped actions, a scope (`plugins:*`, `users:*`, ...). */
export interface RbacPermission {
  readonly action: string;
  readonly scope?: string;
}

/** The parts of plugin.json that declare roles (`roles[]`). */
export interface PluginRoleDeclaration {
  readonly role: {
    readonly name: string;
    readonly permissions: ReadonlyArray<{ action: string; scope?: string }>;
  };
  readonly grants: readonly string[];
}

// org.RoleType.Includes: Admin ⊇ Editor ⊇ Viewer ⊇ None. `BuiltInRolesWithParents` gives a grant to Viewer
// to Editor and Admin too; "Grafana Admin" has no parents.
const ORG_ROLE_RANK: Readonly<Record<OrgRole, number>> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

/** True when `held` includes `wanted` (`org.RoleType.Includes`). */
export function orgRoleIncludes(held: OrgRole, wanted: OrgRole): boolean {
  return ORG_ROLE_RANK[held] >= ORG_ROLE_RANK[wanted];
}

// roles.go: fixed roles granted to basic roles by default (only the actions the double checks).
const CORE_GRANTS: ReadonlyArray<{
  readonly grant: string;
  readonly permissions: readonly RbacPermission[];
}> = [
  // fixed:plugins.app:reader → Viewer: open any enabled app (api.go guards /api/plugin-proxy/:pluginId with it).
  { grant: 'Viewer', permissions: [{ action: 'plugins.app:access', scope: 'plugins:*' }] },
  // fixed:plugins:writer → Admin: change plugin settings (the AuditLens config page, its `health` route).
  { grant: 'Admin', permissions: [{ action: 'plugins:write', scope: 'plugins:*' }] },
  // fixed:org.users:reader → Admin: list the org's users and search their permissions.
  {
    grant: 'Admin',
    permissions: [
      { action: 'org.users:read', scope: 'users:*' },
      { action: 'users.permissions:read', scope: 'users:*' },
    ],
  },
  // fixed:users:reader → Grafana Admin: read any user of the server (`/api/users/lookup`).
  {
    grant: GRAFANA_ADMIN,
    permissions: [
      { action: 'users:read', scope: 'global.users:*' },
      { action: 'org.users:read', scope: 'users:*' },
      { action: 'users.permissions:read', scope: 'users:*' },
    ],
  },
];

/** The basic roles an identity holds: its org role and those below it, plus Grafana Admin for a server admin. */
export function basicRolesOf(orgRole: OrgRole, isGrafanaAdmin: boolean): Set<string> {
  const roles = new Set<string>();
  for (const role of Object.keys(ORG_ROLE_RANK) as OrgRole[]) {
    if (role !== 'None' && orgRoleIncludes(orgRole, role)) roles.add(role);
  }
  if (isGrafanaAdmin) roles.add(GRAFANA_ADMIN);
  return roles;
}

/**
 * Everything an identity may do in its org: the core grants and the plugin roles granted (plugin.json
 * `grants`) to its basic roles, plus permissions assigned to it directly (Enterprise/Cloud role assignments).
 * acimpl `RegisterFixedRoles` drops `plugins.app:access` from plugin roles: every role has it already.
 */
export function permissionsOf(
  orgRole: OrgRole,
  isGrafanaAdmin: boolean,
  pluginRoles: readonly PluginRoleDeclaration[],
  assigned: readonly RbacPermission[] = []
): RbacPermission[] {
  const roles = basicRolesOf(orgRole, isGrafanaAdmin);
  const result: RbacPermission[] = [];
  for (const core of CORE_GRANTS) if (roles.has(core.grant)) result.push(...core.permissions);
  for (const declared of pluginRoles) {
    if (!declared.grants.some((grant) => roles.has(grant))) continue;
    for (const p of declared.role.permissions) {
      if (p.action !== 'plugins.app:access') result.push({ action: p.action, scope: p.scope });
    }
  }
  result.push(...assigned);
  return result;
}

/**
 * `ac.EvalPermission(action, scope?)`: true when some permission has the action and, if a scope is asked for,
 * a scope covering it (`*`, `plugins:*` and `plugins:id:*` all cover `plugins:id:x`). A scopeless permission
 * covers no asked-for scope; an unscoped evaluation is satisfied by the action alone.
 */
export function hasPermission(held: readonly RbacPermission[], action: string, scope?: string): boolean {
  return held.some((p) => p.action === action && (scope === undefined || scopeCovers(p.scope, scope)));
}

function scopeCovers(held: string | undefined, wanted: string): boolean {
  if (!held) return false;
  if (held === wanted || held === '*') return true;
  return held.endsWith(':*') && wanted.startsWith(held.slice(0, -1));
}

/**
 * What a basic role may do with the data sources of its org on Grafana OSS:
 * - `pkg/services/datasources/service/datasource.go` `AddDataSource` gives every new data source (provisioned or
 *   created through the API) the managed permissions Viewer "Query" and Editor "Query", which
 *   `pkg/services/accesscontrol/ossaccesscontrol/datasource.go` (`DatasourceQueryActions`) makes
 *   `datasources:read` and `datasources:query` on `datasources:uid:<uid>`;
 * - `pkg/api/accesscontrol.go` `declareFixedRoles`: `fixed:datasources:reader` (Admin) reads and queries
 *   `datasources:*`, `fixed:datasources:explorer` (Editor) opens Explore (`datasources:explore`).
 * Data source permissions that take "Query" away are Grafana Enterprise; OSS has no way to.
 */
export function dataSourcePermissionsOf(
  orgRole: OrgRole,
  dataSourceUids: readonly string[]
): RbacPermission[] {
  const out: RbacPermission[] = [];
  if (orgRoleIncludes(orgRole, 'Viewer')) {
    for (const uid of dataSourceUids) {
      out.push({ action: 'datasources:read', scope: `datasources:uid:${uid}` });
      out.push({ action: 'datasources:query', scope: `datasources:uid:${uid}` });
    }
  }
  if (orgRoleIncludes(orgRole, 'Editor')) out.push({ action: 'datasources:explore' });
  if (orgRoleIncludes(orgRole, 'Admin')) {
    out.push({ action: 'datasources:read', scope: 'datasources:*' });
    out.push({ action: 'datasources:query', scope: 'datasources:*' });
  }
  return out;
}
