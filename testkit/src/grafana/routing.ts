// The browser-safe part of the Grafana double (no Node APIs), for the plugin's in-browser double:
// `import { ... } from '@auditlens/testkit/grafana-routing'`.
export { PluginRouteTree } from './plugin-route-tree';
export { goPathClean, goPathJoin } from './go-path';
export type { RouteParams } from './plugin-route-tree';
export {
  decidePluginProxyRequest,
  proxyPathOf,
  renderRouteTemplate,
  PROXY_MESSAGES,
} from './plugin-proxy-routing';
export type {
  AppSettingState,
  PluginProxyRoute,
  PluginSettingsData,
  ProxyCaller,
  ProxyDecision,
} from './plugin-proxy-routing';
export {
  hasPermission,
  permissionsOf,
  basicRolesOf,
  dataSourcePermissionsOf,
  orgRoleIncludes,
  GRAFANA_ADMIN,
} from './grafana-rbac';
export type { OrgRole, RbacPermission, PluginRoleDeclaration } from './grafana-rbac';
