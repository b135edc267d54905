import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PLUGIN_ID } from '@auditlens/contract';
import { GrafanaBootstrapApiDouble, type OrgState } from './grafana-bootstrap-api-double';
import { GrafanaAppDashboardsDouble, loadPlugin, type LoadedPlugin } from './grafana-plugin-loader-double';
import { builtPlugin } from './plugin-dist';
import { readJson, readYaml, ROOT } from './repo-files';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'provisioning/bootstrap/grafana-service-account.sh');
const OPS_SCRIPT = join(ROOT, 'provisioning/bootstrap/ops-org.sh');
const OPS_DIR = join(ROOT, 'provisioning/ops');
const ADMIN = { user: 'admin', password: 'pw' };
type Service = { environment: Record<string, string>; volumes: string[] };
const compose = readYaml<{ services: Record<string, Service> }>('docker-compose.yml');
const bootstrapService = compose.services['grafana-bootstrap']!;
const bootstrapEnv = bootstrapService.environment;
const allowUnsigned =
  compose.services['grafana']!.environment['GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS']!.split(',');
const opsDataSource = readJson<{ uid: string; name: string; type: string }>(
  'provisioning/ops/datasource.json'
);
const ruleGroup = readJson<{ title: string; folderUid: string; rules: Array<{ uid: string }> }>(
  'provisioning/ops/alert-rule-group.json'
);
const contactPoint = readJson<{ uid: string; name: string }>('provisioning/ops/contact-point.json');

describe('the Grafana bootstrap scripts (sh + curl, against a double of the Grafana APIs they call)', () => {
  let plugin: LoadedPlugin;
  let app: GrafanaAppDashboardsDouble;
  let grafana: GrafanaBootstrapApiDouble;
  let dir: string;

  beforeAll(async () => {
    plugin = loadPlugin(await builtPlugin(), { allowUnsigned });
  }, 600_000);

  beforeEach(async () => {
    // Grafana as compose starts it: the app enabled in the main org by provisioning, which imports its dashboards
    // there; the main org has no data source (provisioning/datasources only deletes an old one).
    app = new GrafanaAppDashboardsDouble([plugin], []);
    app.updatePluginSetting(PLUGIN_ID, true);
    grafana = await new GrafanaBootstrapApiDouble(ADMIN, plugin, app).start();
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
    STATE_DIR: dir,
    APP_ID: bootstrapEnv['APP_ID']!,
    APP_ORG_ID: bootstrapEnv['APP_ORG_ID']!,
    OPS_ORG: bootstrapEnv['OPS_ORG']!,
    OPS_DIR,
    ALERT_FOLDER: bootstrapEnv['ALERT_FOLDER']!,
    ALERT_FOLDER_UID: bootstrapEnv['ALERT_FOLDER_UID']!,
    ...extra,
  });
  const bootstrap = (extra: Record<string, string> = {}) => run('sh', [SCRIPT], { env: env(extra) });
  const ops = (): OrgState => grafana.org(bootstrapEnv['OPS_ORG']!)!;
  const includedUids = () =>
    plugin
      .dashboardIncludes()
      .map((i) => String((JSON.parse(plugin.file(i.path)) as { uid: string }).uid))
      .sort();

  it('is configured for the app, the org, the files and the folder the rules name', () => {
    expect(bootstrapEnv['APP_ID']).toBe(PLUGIN_ID);
    // The state sits beside the token, on the volume that outlives the container.
    expect(bootstrapEnv['TOKEN_FILE']!.startsWith(`${bootstrapEnv['STATE_DIR']}/`)).toBe(true);
    expect(bootstrapService.volumes).toContain(`grafana-token:${bootstrapEnv['STATE_DIR']}`);
    expect(bootstrapEnv['APP_ORG_ID']).toBe('1');
    expect(bootstrapService.volumes).toContain(`./provisioning/ops:${bootstrapEnv['OPS_DIR']}:ro`);
    expect(bootstrapEnv['ALERT_FOLDER_UID']).toBe(ruleGroup.folderUid);
    expect(app.dashboards.size).toBe(plugin.dashboardIncludes().length);
  });

  it('writes a token, and sets up the ops org: its Loki, the rules, their mail, the app’s dashboards', async () => {
    const { stdout } = await bootstrap();

    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('glsa_test_2');
    const main = grafana.orgs.get(1)!;
    expect(main.serviceAccounts).toEqual(['auditlens-export-service']);
    const o = ops();
    expect(o.members.get(ADMIN.user)).toBe('Admin');
    expect(o.dataSources).toEqual([readJson('provisioning/ops/datasource.json')]);
    expect(o.folders).toEqual([{ uid: ruleGroup.folderUid, title: bootstrapEnv['ALERT_FOLDER'] }]);
    expect(o.contactPoints.map((c) => c.uid)).toEqual([contactPoint.uid]);
    expect(o.policy?.receiver).toBe(contactPoint.name);
    expect(o.ruleGroups.map((g) => [g.folderUid, g.title, g.rules.map((r) => r.uid)])).toEqual([
      [ruleGroup.folderUid, ruleGroup.title, ruleGroup.rules.map((r) => r.uid)],
    ]);
    // Every dashboard of the app is in the ops org's folder, where its Loki variable finds the ops org's Loki.
    expect([...o.dashboards.dashboards.keys()].sort()).toEqual(includedUids());
    for (const d of o.dashboards.dashboards.values()) {
      expect(d.folderUid).toBe(ruleGroup.folderUid);
      expect(o.dashboards.unresolvedDataSources(d.uid)).toEqual([]);
    }
    // Nothing in the main org reads Loki: no data source, no rule, and the app's dashboards are gone from it.
    expect(main.dataSources).toEqual([]);
    expect(main.ruleGroups).toEqual([]);
    expect(main.dashboards.dashboards.size).toBe(0);
    expect(stdout).toContain(`org ${o.name} (${o.id}): created`);
    for (const uid of includedUids()) expect(stdout).toContain(`dashboard ${uid}: in org ${o.name}`);
  }, 60_000);

  it('changes nothing twice: one org, one data source and contact point, updated; the account reused', async () => {
    await bootstrap();
    // At a start with the app version already handled, nothing is waited for (the dashboards stay out of the main
    // org until Grafana's next plugin update).
    const started = Date.now();
    await bootstrap({ IMPORT_WAIT_SECONDS: '600' });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect([...grafana.orgs.values()].map((o) => o.name)).toEqual(['Main Org.', bootstrapEnv['OPS_ORG']]);
    const o = ops();
    expect(o.dataSources).toHaveLength(1);
    expect(o.contactPoints).toHaveLength(1);
    expect(o.ruleGroups).toHaveLength(1);
    expect(o.dashboards.dashboards.size).toBe(plugin.dashboardIncludes().length);
    expect(grafana.orgs.get(1)!.serviceAccounts).toEqual(['auditlens-export-service']);
    expect(grafana.calls).toContain(`PUT /api/datasources/uid/${opsDataSource.uid} ${o.id}`);
    expect(grafana.calls).toContain(`PUT /api/v1/provisioning/contact-points/${contactPoint.uid} ${o.id}`);
  }, 60_000);

  it('names the org of every call, so an admin who switched orgs in the UI changes nothing in the wrong one', async () => {
    await bootstrap();
    grafana.adminCurrentOrg = ops().id;
    await bootstrap();
    expect(grafana.calls.every((c) => / \d+$/.test(c))).toBe(true);
    expect(ops().serviceAccounts).toEqual([]);
    expect(grafana.orgs.get(1)!.dataSources).toEqual([]);
  }, 60_000);

  it('after a plugin update, waits for Grafana’s re-import into the main org, then takes it out again', async () => {
    await bootstrap();
    const updated = { ...plugin, version: '9.9.9' };
    grafana.installPlugin(updated);
    // Grafana's start-up sync (DashboardUpdater.Run) re-imports into the main org after /api/health answers and
    // after the script's first look.
    grafana.onPluginDashboardsRead = (reads) => {
      if (reads === 2) app.start();
    };
    await bootstrap({ IMPORT_WAIT_SECONDS: '10' });
    expect(app.imports.length).toBeGreaterThan(plugin.dashboardIncludes().length);
    expect(app.dashboards.size).toBe(0);
    expect(ops().dashboards.dashboards.size).toBe(plugin.dashboardIncludes().length);
  }, 60_000);

  it('sets up another Grafana on its own (ops-org.sh), without a token', async () => {
    const { stdout } = await run('sh', [OPS_SCRIPT], { env: env({ TOKEN_FILE: '' }) });
    expect(stdout).toContain('data source');
    expect(grafana.orgs.get(1)!.serviceAccounts).toEqual([]);
    expect(ops().dashboards.dashboards.size).toBe(plugin.dashboardIncludes().length);
  }, 60_000);

  it('stops, saying what Grafana answered, when it refuses a body (a rule querying a data source not there)', async () => {
    const broken = join(dir, 'ops');
    cpSync(OPS_DIR, broken, { recursive: true });
    const ds = JSON.parse(readFileSync(join(broken, 'datasource.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(broken, 'datasource.json'), JSON.stringify({ ...ds, uid: 'another-loki' }));
    await expect(bootstrap({ OPS_DIR: broken })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/Grafana answered 400 to PUT .*rule-groups.*data source auditlens-loki/),
    });
  }, 60_000);

  it('fails, saying why, when the app is disabled or not installed, and moves no dashboard', async () => {
    app.updatePluginSetting(PLUGIN_ID, false);
    await expect(bootstrap()).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`app ${PLUGIN_ID} is not enabled in Grafana`),
    });
    expect(ops().dashboards.dashboards.size).toBe(0);
    await expect(bootstrap({ APP_ID: 'someone-else-app' })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('app someone-else-app is not installed in Grafana'),
    });
  }, 60_000);
});
