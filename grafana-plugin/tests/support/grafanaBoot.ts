// What Grafana does at start-up for plugin code, done for tests and the browser harness: the signed-in user
// (with RBAC permissions) and the backend service. Only public @grafana/runtime setters are used.
import { config, setBackendSrv, setCurrentUser, type BackendSrv } from '@grafana/runtime';
import type { CurrentUserDTO } from '@grafana/data';
import { CORE_ACTIONS, EXPORT_ACTION, LOG_TYPES, readAction } from '@auditlens/contract';
import { permissionsOf, type PluginRoleDeclaration } from '@auditlens/testkit/grafana-routing';
import plugin from '../../src/plugin.json';
import { FakeGrafanaServer } from './fakeGrafanaServer';
import type { FakeExportService } from './fakeExportService';

/**
 * Named permission sets: the plugin's roles (plugin.json) and one per-type role, as Enterprise assigns them,
 * and what an org Admin holds on Grafana OSS (core grants plus the plugin roles plugin.json grants to Admin).
 */
export const PERMISSION_SETS = {
  none: [] as string[],
  viewer: LOG_TYPES.map(readAction),
  exporter: [...LOG_TYPES.map(readAction), EXPORT_ACTION],
  accessOnly: [readAction('access')],
  admin: [
    ...new Set(permissionsOf('Admin', false, plugin.roles as PluginRoleDeclaration[]).map((p) => p.action)),
  ].filter((action) => action !== CORE_ACTIONS.appAccess),
} satisfies Record<string, string[]>;

type User = CurrentUserDTO & { permissions: Record<string, boolean> };
let booted: User | null = null;

/**
 * Signs `login` in with `actions` (plus app access, which every role has) and makes Grafana's server double
 * the backend. Grafana sets the current user once; later calls change who that user is.
 */
export function bootGrafana(
  login: string,
  actions: readonly string[],
  service: FakeExportService
): FakeGrafanaServer {
  const permissions = Object.fromEntries([CORE_ACTIONS.appAccess, ...actions].map((a) => [a, true]));
  const user = {
    ...config.bootData.user,
    id: 7,
    login,
    name: login,
    email: `${login}@example.com`,
    isSignedIn: true,
    timezone: 'utc',
    permissions,
  } as User;
  if (!booted) {
    booted = user;
    config.bootData.user = booted;
    setCurrentUser(booted);
  } else {
    for (const key of Object.keys(booted.permissions)) delete booted.permissions[key];
    Object.assign(booted, { ...user, permissions: Object.assign(booted.permissions, permissions) });
  }
  const server = new FakeGrafanaServer(service, { login, permissions });
  setBackendSrv(server as unknown as BackendSrv);
  return server;
}
