import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PLUGIN_ID } from '@auditlens/contract';
import {
  GrafanaAppDashboardsDouble,
  GrafanaBootstrapApiDouble,
  loadPlugin,
  type LoadedPlugin,
} from '@auditlens/testkit';
import { builtPlugin } from './plugin-dist';
import { readYaml, ROOT } from './repo-files';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'provisioning/bootstrap/grafana-service-account.sh');
const RESTRICT = join(ROOT, 'provisioning/bootstrap/restrict-audit-dashboards.sh');
const ADMIN = { user: 'admin', password: 'pw' };
const compose = readYaml<{ services: Record<string, { environment: Record<string, string> }> }>(
  'docker-compose.yml'
);
const bootstrapEnv = compose.services['grafana-bootstrap']!.environment;
const folderTitle = bootstrapEnv['ALERT_FOLDER']!;
const alertGroups = readYaml<{ groups: Array<{ folder: string }> }>(
  'provisioning/alerting/login-failures.yaml'
);
const allowUnsigned =
  compose.services['grafana']!.environment['GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS']!.split(',');

describe('the Grafana bootstrap scripts (sh + curl, against a double of the Grafana APIs they call)', () => {
  let plugin: LoadedPlugin;
  let app: GrafanaAppDashboardsDouble;
  let grafana: GrafanaBootstrapApiDouble;
  let dir: string;

  beforeAll(async () => {
    plugin = loadPlugin(await builtPlugin(), { allowUnsigned });
  }, 600_000);

  beforeEach(async () => {
    // Grafana as compose starts it: the app enabled by provisioning, which imports the app's dashboards.
    app = new GrafanaAppDashboardsDouble([plugin]);
    app.updatePluginSetting(PLUGIN_ID, true);
    grafana = await new GrafanaBootstrapApiDouble(
      ADMIN,
      [
        { id: 1, uid: 'other', title: 'Team dashboards' },
        { id: 7, uid: 'f3k9x', title: folderTitle },
      ],
      app
    ).start();
    dir = mkdtempSync(join(tmpdir(), 'auditlens-bootstrap-'));
  });
  afterEach(async () => {
    await grafana.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    GRAFANA_URL: grafana.url,
    GF_ADMIN_USER: ADMIN.user,
    GF_ADMIN_PASSWORD: ADMIN.password,
    TOKEN_FILE: join(dir, 'token'),
    APP_ID: bootstrapEnv['APP_ID']!,
    ALERT_FOLDER: folderTitle,
    ...extra,
  });
  const bootstrap = (extra: Record<string, string> = {}) => run('sh', [SCRIPT], { env: env(extra) });
  const appDashboards = () => [...app.dashboards.keys()].sort();

  it('is configured for the app and the folder the alert rules are provisioned in', () => {
    expect(bootstrapEnv['APP_ID']).toBe(PLUGIN_ID);
    expect(alertGroups.groups.map((g) => g.folder)).toEqual([folderTitle]);
    expect(appDashboards().length).toBe(plugin.dashboardIncludes().length);
  });

  it('writes a token, takes Viewers off every app dashboard and the alert folder, leaving Editors view', async () => {
    grafana.foldersHiddenFor = 2;
    // Grafana imports before the restriction: Viewers see the dashboards, Editors may edit them.
    for (const uid of appDashboards()) {
      expect(app.can('Viewer', 'View', uid)).toBe(true);
      expect(app.can('Editor', 'Edit', uid)).toBe(true);
    }
    const { stdout } = await bootstrap();

    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('glsa_test_2');
    expect(grafana.createdAccounts).toEqual(['auditlens-export-service']);
    for (const uid of appDashboards()) {
      expect(app.can('Viewer', 'View', uid)).toBe(false);
      expect(app.can('Editor', 'View', uid)).toBe(true);
      expect(app.can('Editor', 'Edit', uid)).toBe(false);
      expect(app.can('Admin', 'Edit', uid)).toBe(true);
      expect(stdout).toContain(`dashboard ${uid}: Viewer none, Editor view, Admin all`);
    }
    expect(grafana.grants).toEqual([
      { folderUid: 'f3k9x', role: 'Viewer', permission: '' },
      { folderUid: 'f3k9x', role: 'Editor', permission: 'View' },
    ]);
    expect(stdout).toContain(`folder ${folderTitle} (f3k9x): Viewer none, Editor view, Admin all`);
  }, 60_000);

  it('waits for Grafana to finish re-importing after a plugin update, then restricts what it re-imported', async () => {
    // Before the update, one dashboard was imported at an older revision than the new plugin's file.
    const reimported = appDashboards()[0]!;
    app.dashboards.get(reimported)!.data['revision'] = 0;
    app.installPlugin({ ...plugin, version: '9.9.9' });
    // Grafana's start-up sync (DashboardUpdater.Run) finishes after /api/health answers and after the script's
    // first look; the re-import gives the dashboard its default permissions back.
    grafana.onPluginDashboardsRead = (reads) => {
      if (reads === 2) app.start();
    };
    const { stdout } = await bootstrap();
    expect(app.imports.filter((uid) => uid === reimported)).toHaveLength(2);
    expect(grafana.apiImports).toEqual([]);
    for (const uid of appDashboards()) expect(app.can('Viewer', 'View', uid)).toBe(false);
    expect(stdout).toContain(`dashboard ${reimported}: Viewer none, Editor view, Admin all`);
  }, 60_000);

  it('reuses the service account on a second run, and restricts again', async () => {
    await bootstrap();
    await bootstrap();
    expect(grafana.createdAccounts).toEqual(['auditlens-export-service']);
    expect(grafana.grants).toHaveLength(4);
    expect(grafana.dashboardGrants).toHaveLength(4 * appDashboards().length);
  }, 60_000);

  it('restricts another Grafana on its own, without an alert folder', async () => {
    const { stdout } = await run('sh', [RESTRICT], { env: env({ ALERT_FOLDER: '' }) });
    expect(stdout.match(/^dashboard .*: Viewer none, Editor view, Admin all$/gm)).toHaveLength(
      appDashboards().length
    );
    expect(grafana.grants).toEqual([]);
    expect(grafana.createdAccounts).toEqual([]);
  }, 60_000);

  it('imports what Grafana left out: an app enabled before it had dashboards, at the same version', async () => {
    // The stack ran an earlier build of the app without dashboards; the new build keeps the version, so
    // Grafana's start-up sync skips it and nothing enables the app again.
    app = new GrafanaAppDashboardsDouble([{ ...plugin, dashboardIncludes: () => [] }]);
    app.updatePluginSetting(PLUGIN_ID, true);
    app.installPlugin(plugin);
    app.start();
    expect(app.dashboards.size).toBe(0);
    await grafana.stop();
    grafana = await new GrafanaBootstrapApiDouble(
      ADMIN,
      [{ id: 7, uid: 'f3k9x', title: folderTitle }],
      app
    ).start();

    const { stdout } = await bootstrap({ IMPORT_WAIT_SECONDS: '2' });
    expect(grafana.apiImports.sort()).toEqual(
      plugin
        .dashboardIncludes()
        .map((i) => i.path)
        .sort()
    );
    expect(appDashboards()).toHaveLength(plugin.dashboardIncludes().length);
    for (const uid of appDashboards()) {
      expect(app.can('Viewer', 'View', uid)).toBe(false);
      expect(stdout).toContain(`dashboard ${uid}: Viewer none, Editor view, Admin all`);
    }
  }, 60_000);

  it('fails, saying why, when the app is disabled, and imports nothing', async () => {
    app.updatePluginSetting(PLUGIN_ID, false);
    expect(app.dashboards.size).toBe(0);
    await expect(bootstrap()).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`app ${PLUGIN_ID} is not enabled in Grafana`),
    });
    expect(grafana.apiImports).toEqual([]);
    expect(app.dashboards.size).toBe(0);
  }, 60_000);

  it('fails, saying why, when the app is not installed', async () => {
    await expect(bootstrap({ APP_ID: 'someone-else-app' })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('app someone-else-app is not installed in Grafana'),
    });
  }, 60_000);

  it('fails, saying why, when the alert folder never appears', async () => {
    grafana.foldersHiddenFor = 1_000;
    await expect(bootstrap({ WAIT_SECONDS: '2' })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`no folder "${folderTitle}" in Grafana`),
    });
    expect(grafana.grants).toEqual([]);
  }, 60_000);
});
