export { freePort } from './free-port';
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
