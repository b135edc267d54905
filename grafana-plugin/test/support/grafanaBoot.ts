// What Grafana does at start-up for plugin code, done for tests and the browser harness: the signed-in user
// (with RBAC permissions) and the backend service. Only public @grafana/runtime setters are used.
import { config, setAppEvents, setBackendSrv, setCurrentUser, type BackendSrv } from '@grafana/runtime';
import { EventBusSrv, type CurrentUserDTO } from '@grafana/data';
import { CORE_ACTIONS, EXPORT_ACTION, LOG_TYPES, readAction } from '@auditlens/contract';
import { permissionsOf, type PluginRoleDeclaration } from '@auditlens/testkit/grafana-routing';
import plugin from '../../src/plugin.json';
import { ALERT_INSTANCES_READ, type GrafanaAlert } from '../../src/api/alerting';
import { FakeGrafanaServer } from './fakeGrafanaServer';
import { registerGrafanaPanels } from './grafanaPanels';
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

/**
 * Grafana actions every basic role (Viewer and up) holds on Grafana OSS that the app uses: app access, and
 * listing alert instances (Grafana's fixed role "Alerting instances reader" is granted to Viewer).
 */
export const BASIC_ROLE_ACTIONS: readonly string[] = [CORE_ACTIONS.appAccess, ALERT_INSTANCES_READ];

/** What Grafana itself holds for a test: the basic role's actions, and its alert rules' instances. */
export interface GrafanaState {
  /** Default BASIC_ROLE_ACTIONS. */
  readonly basicRole?: readonly string[];
  /** Alert instances Grafana's rule evaluator holds. Default none. */
  readonly alerts?: readonly GrafanaAlert[];
}

type User = CurrentUserDTO & { permissions: Record<string, boolean> };
let booted: User | null = null;

/**
 * Signs `login` in with `actions` (plus what every basic role has, unless `basicRole` says otherwise) and makes
 * Grafana's server double the backend. Grafana sets the current user and the panel loader once; later calls
 * change who that user is.
 */
export function bootGrafana(
  login: string,
  actions: readonly string[],
  service: FakeExportService,
  grafana: GrafanaState = {}
): FakeGrafanaServer {
  const basicRole = grafana.basicRole ?? BASIC_ROLE_ACTIONS;
  const permissions = Object.fromEntries([...basicRole, ...actions].map((a) => [a, true]));
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
    // Grafana's app-wide event bus (public/app/core/app_events.ts); panels announce focus on it.
    setAppEvents(new EventBusSrv());
    registerGrafanaPanels();
    booted = user;
    config.bootData.user = booted;
    setCurrentUser(booted);
  } else {
    for (const key of Object.keys(booted.permissions)) delete booted.permissions[key];
    Object.assign(booted, { ...user, permissions: Object.assign(booted.permissions, permissions) });
  }
  const server = new FakeGrafanaServer(service, { login, permissions }, grafana.alerts ?? []);
  setBackendSrv(server as unknown as BackendSrv);
  return server;
}
