import { EXPORT_ACTION, LOG_TYPES, LOG_TYPE_TITLES, readAction, type LogType } from '@auditlens/contract';

/** A role as `plugin.json` `roles[]` declares it. */
export interface PluginRole {
  readonly role: {
    readonly name: string;
    readonly description?: string;
    readonly permissions: ReadonlyArray<{ readonly action: string }>;
  };
  readonly grants: readonly string[];
}

/** Grafana's organisation roles, lowest first. */
export const BASIC_ROLES = ['Viewer', 'Editor', 'Admin'] as const;
export type BasicRole = (typeof BASIC_ROLES)[number];

/** What one basic role may do in the app on Grafana OSS, where only `grants` decide. */
export interface MatrixRow {
  readonly role: BasicRole;
  readonly read: Readonly<Record<LogType, boolean>>;
  readonly export: boolean;
}

/**
 * A grant reaches the granted basic role and every role above it: grafana/grafana
 * `pkg/services/accesscontrol/models.go` `BuiltInRolesWithParents` (used by `RegisterFixedRoles` in
 * `accesscontrol/acimpl/service.go`): Viewer → Editor, Admin; Editor → Admin. "Grafana Admin" (server admin) gets
 * only what is granted to it by name.
 */
function rolesReached(grant: string): BasicRole[] {
  const index = BASIC_ROLES.indexOf(grant as BasicRole);
  return index === -1 ? [] : BASIC_ROLES.slice(index);
}

/** The actions each basic role holds through the plugin's role grants. */
export function basicRoleActions(roles: readonly PluginRole[]): Record<BasicRole, Set<string>> {
  const out = { Viewer: new Set<string>(), Editor: new Set<string>(), Admin: new Set<string>() };
  for (const r of roles) {
    for (const basic of r.grants.flatMap(rolesReached))
      for (const p of r.role.permissions) out[basic].add(p.action);
  }
  return out;
}

/** Who reads which log type and who exports, per basic role, as Grafana OSS evaluates `plugin.json`. */
export function permissionMatrix(roles: readonly PluginRole[]): MatrixRow[] {
  const actions = basicRoleActions(roles);
  return BASIC_ROLES.map((role) => ({
    role,
    read: Object.fromEntries(LOG_TYPES.map((t) => [t, actions[role].has(readAction(t))])) as Record<
      LogType,
      boolean
    >,
    export: actions[role].has(EXPORT_ACTION),
  }));
}

/** Roles granted to no basic role: for Grafana Enterprise and Cloud, which assign roles to users and teams. */
export function assignableRoles(roles: readonly PluginRole[]): PluginRole[] {
  return roles.filter((r) => r.grants.length === 0);
}

/** The matrix as a Markdown table, as the plugin's README shows it. */
export function permissionMatrixMarkdown(roles: readonly PluginRole[]): string {
  const header = ['basic role', ...LOG_TYPES.map((t) => LOG_TYPE_TITLES[t]), 'Export'];
  const mark = (yes: boolean) => (yes ? 'yes' : '–');
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...permissionMatrix(roles).map(
      (row) => `| ${[row.role, ...LOG_TYPES.map((t) => mark(row.read[t])), mark(row.export)].join(' | ')} |`
    ),
  ];
  return lines.join('\n');
}
