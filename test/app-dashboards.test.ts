import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLUGIN_ID } from '@auditlens/contract';
import { DASHBOARDS, withRevision } from '@auditlens/dashboards';
import {
  GrafanaAppDashboardsDouble,
  GrafanaRuleError,
  cleanRelativePath,
  loadPlugin,
  type LoadedPlugin,
  type OrgDataSource,
} from './grafana-plugin-loader-double';
import { builtPlugin } from './plugin-dist';
import { readJson, readYaml, ROOT } from './repo-files';

type Json = Record<string, unknown>;
const compose = readYaml<{
  services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
}>('docker-compose.yml');
const grafanaService = compose.services['grafana']!;
const allowUnsigned = grafanaService.environment!['GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS']!.split(',');
// The Loki data source of the org that holds the dashboards in the compose stack ("AuditLens Ops").
const lokiDataSources = [readJson<OrgDataSource>('provisioning/ops/datasource.json')];
const provisionedApps = readYaml<{ apps: Array<{ type: string; org_id?: number; disabled?: boolean }> }>(
  'grafana-plugin/provisioning/plugins/auditlens-app.yaml'
).apps;
const pluginVersion = readJson<{ version: string }>('grafana-plugin/package.json').version;
const generated = DASHBOARDS.map((d) => d.file);

describe('the app plugin as Grafana 13 loads it (dist/, against a double of its plugin loader and app dashboard import)', () => {
  let dist: string;
  let plugin: LoadedPlugin;
  const scratch: string[] = [];

  beforeAll(async () => {
    dist = await builtPlugin();
    plugin = loadPlugin(dist, { allowUnsigned });
  }, 600_000);
  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of dist/ to change, as a new version of the plugin would be. */
  const copyOfDist = (change: (dir: string) => void): string => {
    const dir = mkdtempSync(join(tmpdir(), 'auditlens-plugin-'));
    scratch.push(dir);
    cpSync(dist, dir, { recursive: true });
    change(dir);
    return dir;
  };
  const editJson = (path: string, edit: (json: Json) => Json): void =>
    writeFileSync(path, JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8')) as Json), null, 2));

  it('loads as the app, unsigned, because the compose stack allows this id and nothing else', () => {
    expect(plugin).toMatchObject({ id: PLUGIN_ID, type: 'app', version: pluginVersion, warnings: [] });
    expect(allowUnsigned).toEqual([PLUGIN_ID]);
    expect(() => loadPlugin(dist, { allowUnsigned: [] })).toThrow(`plugin '${PLUGIN_ID}' has no signature`);
  });

  it('includes every generated dashboard by a path inside the plugin folder, with its uid and title', () => {
    const includes = plugin.dashboardIncludes();
    expect(includes.map((i) => i.path).sort()).toEqual(generated.map((f) => `dashboards/${f}`).sort());
    for (const include of includes) {
      expect(cleanRelativePath(include.path)).toBe(include.path);
      const shipped = JSON.parse(plugin.file(include.path)) as Json;
      expect(shipped).toEqual(readJson(`dashboards/json/${include.path.replace('dashboards/', '')}`));
      expect(include).toMatchObject({ uid: shipped['uid'], name: shipped['title'], role: 'Viewer' });
    }
  });

  it('enabling the app in a bare Grafana imports every dashboard at the root, with the uid, title and revision of its file', () => {
    const grafana = new GrafanaAppDashboardsDouble([plugin], lokiDataSources);
    expect(grafana.dashboards.size).toBe(0);
    grafana.updatePluginSetting(PLUGIN_ID, true);

    expect([...grafana.dashboards.keys()].sort()).toEqual(
      plugin
        .dashboardIncludes()
        .map((i) => i.uid)
        .sort()
    );
    for (const include of plugin.dashboardIncludes()) {
      const file = JSON.parse(plugin.file(include.path)) as Json;
      expect(grafana.dashboards.get(include.uid)).toMatchObject({
        title: file['title'],
        folderUid: '',
        pluginId: PLUGIN_ID,
        data: { revision: file['revision'] },
      });
    }
    for (const item of grafana.listPluginDashboards(PLUGIN_ID)) {
      expect(item).toMatchObject({ imported: true, removed: false, importedRevision: item.revision });
    }
    // Grafana gives a root dashboard Viewer "View" of its own; in the compose stack the bootstrap takes them out of
    // the main org into the ops org (grafana-bootstrap.test.ts).
    for (const uid of grafana.dashboards.keys()) expect(grafana.can('Viewer', 'View', uid)).toBe(true);
  });

  it('resolves every data source of every dashboard through its Loki variable, once the org has a Loki', () => {
    const withLoki = new GrafanaAppDashboardsDouble([plugin], lokiDataSources);
    withLoki.updatePluginSetting(PLUGIN_ID, true);
    for (const uid of withLoki.dashboards.keys()) expect(withLoki.unresolvedDataSources(uid)).toEqual([]);

    const bare = new GrafanaAppDashboardsDouble([plugin], []);
    bare.updatePluginSetting(PLUGIN_ID, true);
    for (const uid of bare.dashboards.keys()) {
      expect(bare.unresolvedDataSources(uid).join('\n')).toContain('no loki data source in the org');
    }
  });

  it('compose enables the app with its provisioning file, which imports the dashboards; there is no second path', () => {
    const grafana = new GrafanaAppDashboardsDouble([plugin], lokiDataSources);
    grafana.provisionApps(provisionedApps);
    expect(grafana.dashboards.size).toBe(generated.length);

    const mounts = (grafanaService.volumes ?? []).map((v) => v.split(':')[0]);
    expect(mounts).not.toContain('./dashboards');
    expect(mounts).not.toContain('./provisioning/dashboards');
    expect(mounts).toContain('./grafana-plugin/provisioning/plugins');
    expect(existsSync(join(ROOT, 'provisioning/dashboards'))).toBe(false);

    // Why: a file-provisioned copy with the same uid would make the app's import fail.
    const withFileCopy = new GrafanaAppDashboardsDouble([plugin], lokiDataSources);
    withFileCopy.provisionDashboardFile(readJson<Json>('dashboards/json/overview.json'), 'auditlens');
    expect(() => withFileCopy.provisionApps(provisionedApps)).toThrow('Cannot save provisioned dashboard');
  });

  it('a restart imports nothing again; a plugin update re-imports exactly the dashboards whose revision changed', () => {
    const grafana = new GrafanaAppDashboardsDouble([plugin], lokiDataSources);
    grafana.updatePluginSetting(PLUGIN_ID, true);
    grafana.start();
    expect(grafana.imports).toHaveLength(generated.length);

    const [changed, silent] = ['overview.json', 'access.json'];
    const update = copyOfDist((dir) => {
      editJson(join(dir, 'plugin.json'), (p) => ({
        ...p,
        info: { ...(p['info'] as Json), version: '9.9.9' },
      }));
      // Regenerated: the generator gives the changed dashboard the next revision.
      editJson(join(dir, 'dashboards', changed!), (d) => {
        const next = { ...d, description: `${String(d['description'])} (changed)` };
        return withRevision(next as never, d) as unknown as Json;
      });
      // Edited by hand without a new revision: Grafana does not see the change.
      editJson(join(dir, 'dashboards', silent!), (d) => ({ ...d, description: 'edited by hand' }));
    });
    grafana.installPlugin(loadPlugin(update, { allowUnsigned }));
    grafana.start();

    const overviewUid = readJson<{ uid: string; revision: number }>(`dashboards/json/${changed}`);
    expect(grafana.imports.slice(generated.length)).toEqual([overviewUid.uid]);
    expect(grafana.dashboards.get(overviewUid.uid)!.data['revision']).toBe(overviewUid.revision + 1);
    expect(
      grafana.dashboards.get(readJson<{ uid: string }>(`dashboards/json/${silent}`).uid)!.data['description']
    ).not.toBe('edited by hand');
    grafana.start();
    expect(grafana.imports).toHaveLength(generated.length + 1);
  });

  it('disabling the app deletes its dashboards', () => {
    const grafana = new GrafanaAppDashboardsDouble([plugin], lokiDataSources);
    grafana.updatePluginSetting(PLUGIN_ID, true);
    grafana.updatePluginSetting(PLUGIN_ID, false);
    expect(grafana.dashboards.size).toBe(0);
  });

  describe('the double refuses what Grafana refuses', () => {
    it('a plugin.json without an id or a valid type', () => {
      const dir = copyOfDist((d) => editJson(join(d, 'plugin.json'), (p) => ({ ...p, type: 'application' })));
      expect(() => loadPlugin(dir, { allowUnsigned })).toThrow(GrafanaRuleError);
    });

    it('a path that climbs out of the plugin folder stays inside it', () => {
      expect(cleanRelativePath('../../etc/passwd')).toBe('etc/passwd');
      expect(() => plugin.file('../package.json')).toThrow('file does not exist');
    });

    it('a dashboard that needs import inputs, or has an invalid uid, does not import', () => {
      const needsInputs = copyOfDist((d) =>
        editJson(join(d, 'dashboards/overview.json'), (j) => ({
          ...j,
          __inputs: [{ name: 'DS_LOKI', type: 'datasource', pluginId: 'loki' }],
        }))
      );
      const a = new GrafanaAppDashboardsDouble([loadPlugin(needsInputs, { allowUnsigned })]);
      expect(() => a.updatePluginSetting(PLUGIN_ID, true)).toThrow(
        'missing dashboard input variable DS_LOKI'
      );

      const longUid = copyOfDist((d) =>
        editJson(join(d, 'dashboards/overview.json'), (j) => ({ ...j, uid: 'x'.repeat(41) }))
      );
      const b = new GrafanaAppDashboardsDouble([loadPlugin(longUid, { allowUnsigned })]);
      expect(() => b.updatePluginSetting(PLUGIN_ID, true)).toThrow('uid too long');
    });
  });
});
