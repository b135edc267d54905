import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PLUGIN_ID } from '@auditlens/contract';
import {
  GrafanaDouble,
  hasRealLoki,
  loadPluginJson,
  lokiForTests,
  type GrafanaDoubleDataSource,
  type LokiTarget,
  type PluginJson,
} from '@auditlens/testkit';
import { GrafanaBootstrapApiDouble, type OrgState } from './grafana-bootstrap-api-double';
import { GrafanaAppDashboardsDouble, loadPlugin, type LoadedPlugin } from './grafana-plugin-loader-double';
import { withDashboardDefaults } from './logql-check';
import { builtPlugin } from './plugin-dist';
import { readYaml, ROOT } from './repo-files';
import { seedOneEventOfEachType } from './seed-audit-events';
import type { Dashboard } from './stack-expressions';

// The default stack, as compose provisions it and grafana-bootstrap sets it up (the real scripts, against the
// bootstrap double), then asked as Grafana answers `POST /api/ds/query` (testkit's Grafana double, against a real
// Loki holding one event of each type): the endpoint behind dashboards, Explore and alert rule previews, open on
// OSS to every member of an org for each data source of that org. Nobody outside the ops org gets an event through
// it; the ops org's members get every dashboard and alert query answered.

const run = promisify(execFile);
const ADMIN = { user: 'admin', password: 'pw' };
type Service = { environment: Record<string, string> };
const compose = readYaml<{ services: Record<string, Service> }>('docker-compose.yml');
const bootstrapEnv = compose.services['grafana-bootstrap']!.environment;
const allowUnsigned =
  compose.services['grafana']!.environment['GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS']!.split(',');
// The compose network's `loki` is the test's Loki.
const LOKI_IN_COMPOSE = 'http://loki:3100';

/** One query as a dashboard panel or an alert rule sends it, with the dashboard's variables at their defaults. */
interface StackQuery {
  readonly where: string;
  readonly refId: string;
  readonly expr: string;
  readonly queryType: string;
}

interface QueryAnswer {
  results?: Record<string, { frames?: Array<{ data: { values: unknown[][] } }>; error?: string }>;
  message?: string;
}

/** Every query of the org's dashboards and alert rules. */
function queriesOf(org: OrgState): StackQuery[] {
  const out: StackQuery[] = [];
  for (const d of org.dashboards.dashboards.values()) {
    const data = d.data as unknown as Dashboard;
    data.panels.forEach((p, i) =>
      p.targets.forEach((t, j) =>
        out.push({
          where: `dashboard ${d.uid} panel ${i}`,
          refId: `P${i}T${j}`,
          expr: withDashboardDefaults(t.expr),
          queryType: t.queryType ?? 'range',
        })
      )
    );
  }
  for (const g of org.ruleGroups) {
    for (const r of g.rules) {
      for (const q of r.data.filter((x) => x.datasourceUid !== '__expr__')) {
        out.push({
          where: `alert ${r.uid}`,
          refId: 'A',
          expr: String(q.model['expr']),
          queryType: 'instant',
        });
      }
    }
  }
  return out;
}

/** The number of rows a `/api/ds/query` answer holds. */
function rowsOf(answer: QueryAnswer): number {
  return Object.values(answer.results ?? {})
    .flatMap((r) => r.frames ?? [])
    .reduce((n, f) => n + (f.data.values[0]?.length ?? 0), 0);
}

(hasRealLoki() ? describe : describe.skip)(
  'who gets audit events through Grafana in the default stack',
  () => {
    let loki: LokiTarget;
    let plugin: LoadedPlugin;
    let bootstrap: GrafanaBootstrapApiDouble;
    let ops: OrgState;
    let grafana: GrafanaDouble;
    let dir: string;

    beforeAll(async () => {
      plugin = loadPlugin(await builtPlugin(), { allowUnsigned });
      loki = await lokiForTests('stack-permissions');
      if (loki.kind !== 'real') throw new Error(loki.reason);
      await seedOneEventOfEachType(loki.url);

      // Grafana as compose starts it (the app enabled in the main org, no data source there), then the bootstrap.
      const app = new GrafanaAppDashboardsDouble([plugin], []);
      app.updatePluginSetting(PLUGIN_ID, true);
      bootstrap = await new GrafanaBootstrapApiDouble(ADMIN, plugin, app).start();
      dir = mkdtempSync(join(tmpdir(), 'auditlens-stack-'));
      await run('sh', [join(ROOT, 'provisioning/bootstrap/grafana-service-account.sh')], {
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          ...bootstrapEnv,
          GRAFANA_URL: bootstrap.url,
          GF_ADMIN_USER: ADMIN.user,
          GF_ADMIN_PASSWORD: ADMIN.password,
          TOKEN_FILE: join(dir, 'token'),
          STATE_DIR: dir,
          OPS_DIR: join(ROOT, 'provisioning/ops'),
        },
      });
      ops = bootstrap.org(bootstrapEnv['OPS_ORG']!)!;
      grafana = await startGrafana(loadPluginJson(), dataSourcesOf(bootstrap, loki.url));
    }, 600_000);
    afterAll(async () => {
      await grafana?.stop();
      await bootstrap?.stop();
      await loki?.release();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Grafana with the orgs and data sources the bootstrap left, and a user of each kind. */
    const startGrafana = (plugin: PluginJson, dataSources: GrafanaDoubleDataSource[]) =>
      GrafanaDouble.start({
        plugin,
        orgs: [{ id: ops.id, name: ops.name }],
        dataSources,
        users: [
          { login: 'vic', orgRole: 'Viewer' },
          { login: 'ed', orgRole: 'Editor' },
          { login: 'ada', orgRole: 'Admin', orgs: { [ops.id]: 'Admin' } },
          { login: 'opal', inAppOrg: false, orgs: { [ops.id]: 'Viewer' } },
        ],
      });

    const ask = async (g: GrafanaDouble, login: string, q: StackQuery, org?: number) => {
      const res = await fetch(`${g.url}/api/ds/query`, {
        method: 'POST',
        headers: { ...g.sessionFor(login), ...(org ? { 'X-Grafana-Org-Id': String(org) } : {}) },
        body: JSON.stringify({
          from: 'now-1h',
          to: 'now',
          queries: [
            {
              refId: q.refId,
              expr: q.expr,
              queryType: q.queryType,
              // The dashboards' `${datasource}` variable: the org's Loki; from elsewhere, the uid the docs name.
              datasource: { type: 'loki', uid: 'auditlens-loki' },
            },
          ],
        }),
      });
      return { status: res.status, answer: (await res.json()) as QueryAnswer };
    };

    it('leaves the main org without a data source, and the ops org with the only Loki', () => {
      expect(bootstrap.orgs.get(1)!.dataSources).toEqual([]);
      expect(ops.dataSources.map((d) => [d.uid, d.type, d.url])).toEqual([
        ['auditlens-loki', 'loki', LOKI_IN_COMPOSE],
      ]);
      expect(queriesOf(ops).length).toBeGreaterThan(20);
    });

    it('gives a Viewer and an Editor without a log type nothing: no data source in their org, none of another', async () => {
      // An Editor without a type: Grafana OSS grants the app's viewer role to Editors; Enterprise and Cloud let an
      // admin take it away. What the raw path gives must not depend on it.
      const noEditorGrant: PluginJson = {
        ...loadPluginJson(),
        roles: (loadPluginJson().roles ?? []).map((r) => ({
          ...r,
          grants: r.grants.filter((g) => g !== 'Editor'),
        })),
      };
      const g = await startGrafana(
        noEditorGrant,
        dataSourcesOf(bootstrap, loki.kind === 'real' ? loki.url : '')
      );
      try {
        for (const q of queriesOf(ops)) {
          for (const login of ['vic', 'ed']) {
            for (const org of [undefined, ops.id]) {
              const { status, answer } = await ask(g, login, q, org);
              expect(`${login} ${org ?? 'main'} ${q.where}: ${status} ${rowsOf(answer)}`).toBe(
                `${login} ${org ?? 'main'} ${q.where}: 403 0`
              );
            }
          }
        }
      } finally {
        await g.stop();
      }
    }, 120_000);

    it('answers even the main org’s Admin "Data source not found": the Loki is in the other org', async () => {
      const q = queriesOf(ops)[0]!;
      const { status, answer } = await ask(grafana, 'ada', q);
      expect([status, answer.message]).toEqual([404, 'Data source not found']);
    });

    it('answers the ops org’s members every dashboard and alert query, with the events', async () => {
      const rows = new Map<string, number>();
      for (const q of queriesOf(ops)) {
        const { status, answer } = await ask(grafana, 'opal', q);
        expect(`${q.where}: ${status} ${JSON.stringify(answer).slice(0, 200)}`).toMatch(/: 200 /);
        const dashboard = q.where.split(' panel ')[0]!;
        rows.set(dashboard, (rows.get(dashboard) ?? 0) + rowsOf(answer));
      }
      // Every dashboard shows its seeded events.
      for (const [where, n] of rows)
        if (where.startsWith('dashboard')) expect(`${where}: ${n > 0}`).toBe(`${where}: true`);
      expect([...rows.keys()].filter((w) => w.startsWith('dashboard'))).toHaveLength(
        ops.dashboards.dashboards.size
      );
    }, 120_000);

    it('would have given a Viewer the events with the Loki in the main org, as the stack had it (the check bites)', async () => {
      const before = dataSourcesOf(bootstrap, loki.kind === 'real' ? loki.url : '').map((d) => ({
        ...d,
        orgId: 1,
      }));
      const g = await startGrafana(loadPluginJson(), before);
      try {
        const logs = queriesOf(ops).find(
          (q) =>
            q.where.startsWith('dashboard auditlens-access') &&
            q.queryType === 'range' &&
            !q.expr.startsWith('sum')
        )!;
        const { status, answer } = await ask(g, 'vic', logs);
        expect(status).toBe(200);
        expect(rowsOf(answer)).toBeGreaterThan(0);
      } finally {
        await g.stop();
      }
    }, 60_000);
  }
);

/** The data sources of every org the bootstrap double holds, the compose URL of Loki mapped to the test's. */
function dataSourcesOf(b: GrafanaBootstrapApiDouble, lokiUrl: string): GrafanaDoubleDataSource[] {
  return [...b.orgs.values()].flatMap((o) =>
    o.dataSources.map((d) => ({
      orgId: o.id,
      uid: d.uid,
      name: d.name,
      type: d.type,
      url: d.url === LOKI_IN_COMPOSE ? lokiUrl : d.url,
      isDefault: d.isDefault,
      jsonData: d.jsonData,
    }))
  );
}
