import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPORT_ACTION, LOG_TYPES, readAction } from '@auditlens/contract';
import plugin from './plugin.json';
import {
  assignableRoles,
  basicRoleActions,
  permissionMatrix,
  permissionMatrixMarkdown,
  type PluginRole,
} from './permissionMatrix';

const roles = plugin.roles as PluginRole[];
const role = (name: string, actions: string[], grants: string[]): PluginRole => ({
  role: { name, permissions: actions.map((action) => ({ action })) },
  grants,
});

describe('the basic-role matrix Grafana OSS derives from plugin.json grants', () => {
  it('passes a grant up to the roles above it, never down', () => {
    const actions = basicRoleActions([
      role('a', ['x'], ['Viewer']),
      role('b', ['y'], ['Editor']),
      role('c', ['z'], ['Admin']),
    ]);
    expect([...actions.Viewer]).toEqual(['x']);
    expect([...actions.Editor].sort()).toEqual(['x', 'y']);
    expect([...actions.Admin].sort()).toEqual(['x', 'y', 'z']);
    expect(basicRoleActions([role('s', ['x'], ['Grafana Admin'])]).Admin.size).toBe(0);
  });

  it('leaves Viewers out, lets Editors read every type and Admins also export', () => {
    const byRole = Object.fromEntries(permissionMatrix(roles).map((r) => [r.role, r]));
    const all = (v: boolean) => Object.fromEntries(LOG_TYPES.map((t) => [t, v]));
    expect(byRole['Viewer']).toEqual({ role: 'Viewer', read: all(false), export: false });
    expect(byRole['Editor']).toEqual({ role: 'Editor', read: all(true), export: false });
    expect(byRole['Admin']).toEqual({ role: 'Admin', read: all(true), export: true });
  });

  it('keeps one role per log type, granted to nobody, for Enterprise and Cloud to assign', () => {
    const perType = assignableRoles(roles);
    expect(perType.map((r) => r.role.permissions.map((p) => p.action))).toEqual(
      LOG_TYPES.map((t) => [readAction(t)])
    );
    expect(perType.flatMap((r) => r.role.permissions.map((p) => p.action))).not.toContain(EXPORT_ACTION);
  });

  it('is the table the plugin README shows', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(permissionMatrixMarkdown(roles));
  });
});
