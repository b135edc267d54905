export { freePort } from './free-port';
export { waitFor, waitForValue } from './wait-for';
export { ServerProcess, answers } from './server-process';
export type { ServerProcessSpec } from './server-process';
export {
  startLoki,
  lokiForTests,
  hasRealLoki,
  lokiTestConfig,
  announce,
  LOKI_CONFIG_PATH,
} from './real-loki';
export type { LokiServer, LokiTarget, StartLokiOptions } from './real-loki';
export { startAlertmanager, alertmanagerBinary, SILENT_ALERTMANAGER_CONFIG } from './alertmanager';
export type { AlertmanagerServer, AlertmanagerAlert } from './alertmanager';
export { SmtpInbox } from './smtp-inbox';
export { GrafanaDouble } from './grafana/grafana-double';
export type {
  GrafanaDoubleOptions,
  GrafanaDoubleOrg,
  GrafanaDoubleUser,
  GrafanaDoubleServiceAccount,
  GrafanaApiCall,
  ForwardedRequest,
} from './grafana/grafana-double';
export { answerDataSourceQuery } from './grafana/data-source-query';
export type {
  GrafanaDoubleDataSource,
  DataSourceQueryCaller,
  DataSourceQueryAnswer,
} from './grafana/data-source-query';
export { runLokiDataQuery } from './grafana/loki-data-query';
export type {
  DataFrameJson,
  DataFrameField,
  DataResponseJson,
  LokiDataQueryModel,
  LokiDataSourceSettings,
} from './grafana/loki-data-query';
export {
  GrafanaSigningKey,
  grafanaNamespace,
  grafanaAppUrl,
  idTokenClaims,
  ID_TOKEN_TTL_SECONDS,
} from './grafana/grafana-id-token';
export type { GrafanaIdTokenClaims, IdTokenSubject } from './grafana/grafana-id-token';
export { loadPluginJson, PLUGIN_JSON_PATH, BUILT_PLUGIN_JSON_PATH } from './grafana/plugin-json';
export type { PluginJson } from './grafana/plugin-json';
export {
  PluginRouteTree,
  decidePluginProxyRequest,
  proxyPathOf,
  renderRouteTemplate,
  PROXY_MESSAGES,
  hasPermission,
  permissionsOf,
  basicRolesOf,
  dataSourcePermissionsOf,
  orgRoleIncludes,
  GRAFANA_ADMIN,
  goPathClean,
  goPathJoin,
} from './grafana/routing';
export type {
  AppSettingState,
  RouteParams,
  PluginProxyRoute,
  PluginSettingsData,
  ProxyCaller,
  ProxyDecision,
  OrgRole,
  RbacPermission,
  PluginRoleDeclaration,
} from './grafana/routing';
export { startPostgres, hasPostgres, postgresBinDir } from './postgres';
export type { PostgresServer } from './postgres';
