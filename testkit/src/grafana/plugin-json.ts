import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PluginRoleDeclaration } from './grafana-rbac';
import type { PluginProxyRoute } from './plugin-proxy-routing';

/** The parts of an app plugin's plugin.json the Grafana double reads. */
export interface PluginJson {
  readonly id: string;
  readonly routes?: readonly PluginProxyRoute[];
  readonly roles?: readonly PluginRoleDeclaration[];
}

const REPO_ROOT = join(__dirname, '..', '..', '..');

/** The AuditLens app's plugin.json as shipped in source (`grafana-plugin/src/plugin.json`). */
export const PLUGIN_JSON_PATH = join(REPO_ROOT, 'grafana-plugin', 'src', 'plugin.json');

/** The built plugin's plugin.json (`grafana-plugin/dist/plugin.json`), what Grafana loads. */
export const BUILT_PLUGIN_JSON_PATH = join(REPO_ROOT, 'grafana-plugin', 'dist', 'plugin.json');

/** Reads a plugin.json; by default the AuditLens app's source one. */
export function loadPluginJson(path: string = PLUGIN_JSON_PATH): PluginJson {
  return JSON.parse(readFileSync(path, 'utf8')) as PluginJson;
}
