import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APP_BASE_PATH,
  FILTER_FIELDS,
  INDEX_LABELS,
  LOKI_ADDED_METADATA,
  LOG_TYPES,
  LOG_TYPE_SLUGS,
  STRUCTURED_METADATA_FIELDS,
} from '@auditlens/contract';
import { buildDashboards, dashboardFileText } from '@auditlens/dashboards';
import { filesUnder, readJson, readYaml, ROOT } from './repo-files';
import { interpolate, namesIn } from './logql-check';
import { allExpressions, dashboardFiles, grafanaRules, lokiRules, type Dashboard } from './stack-expressions';

type Obj = Record<string, unknown>;
const KNOWN_NAMES = new Set<string>([...INDEX_LABELS, ...STRUCTURED_METADATA_FIELDS, ...LOKI_ADDED_METADATA]);

describe('configuration files', () => {
  it.each([
    ...filesUnder('collector-config', ['.yaml', '.yml']),
    ...filesUnder('provisioning', ['.yaml', '.yml']),
    ...filesUnder('grafana-plugin/provisioning', ['.yaml', '.yml']),
  ])('%s parses as YAML', (file) => {
    expect(readYaml(file)).toBeInstanceOf(Object);
  });

  it.each(dashboardFiles)(
    '%s is what the dashboards package generates (npm run generate -w dashboards)',
    (file) => {
      const built = buildDashboards()[file.replace('dashboards/json/', '')];
      expect(built).toBeDefined();
      expect(readFileSync(join(ROOT, file), 'utf8')).toBe(dashboardFileText(built!));
    }
  );

  it('has a dashboard per log type and an overview, on the Loki data source variable', () => {
    expect(dashboardFiles.map((f) => f.replace('dashboards/json/', '')).sort()).toEqual(
      [...LOG_TYPES.map((t) => `${LOG_TYPE_SLUGS[t]}.json`), 'overview.json'].sort()
    );
    for (const file of dashboardFiles) {
      const d = readJson<Dashboard>(file);
      expect(d.templating.list.find((v) => v.name === 'datasource')).toMatchObject({
        type: 'datasource',
        query: 'loki',
      });
    }
  });
});

describe('LogQL', () => {
  const expressions = allExpressions();

  it('finds the expressions to check', () => {
    expect(expressions.length).toBeGreaterThan(20);
  });

  it.each(expressions)(
    "%s: %s parses with Grafana's LogQL grammar and uses only names the emitter produces",
    (_where, expr) => {
      const names = namesIn(expr);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect(KNOWN_NAMES).toContain(name);
    }
  );

  it('the grammar check rejects broken LogQL and unknown names are caught', () => {
    expect(() => namesIn('sum by (user_name) (count_over_time({audit_log_type="access"} | [5m]))')).toThrow(
      /does not parse/
    );
    expect(namesIn('{audit_log_type="access"} | username="x"')).toContain('username');
    expect(KNOWN_NAMES.has('username')).toBe(false);
    expect(interpolate('[$__auto] $user ${ip:regex}')).toBe('[5m] x x');
  });
});

describe('login-failure alerting', () => {
  it('Grafana rules query the ops org’s Loki data source, in the folder and group the bootstrap puts them', () => {
    const loki = readJson<{ uid: string; type: string; url: string }>('provisioning/ops/datasource.json');
    expect(loki.type).toBe('loki');
    const compose = readYaml<{ services: Record<string, { environment: Record<string, string> }> }>(
      'docker-compose.yml'
    );
    const folderUid = compose.services['grafana-bootstrap']!.environment['ALERT_FOLDER_UID'];
    expect(grafanaRules.groups.map((g) => g.folderUid)).toEqual([folderUid]);
    for (const g of grafanaRules.groups)
      for (const r of g.rules) expect([r.folderUID, r.ruleGroup]).toEqual([folderUid, g.title]);
    for (const g of grafanaRules.groups) {
      for (const r of g.rules) {
        const queries = r.data.filter((d) => d.datasourceUid !== '__expr__');
        expect(queries.map((q) => q.datasourceUid)).toEqual([loki.uid]);
      }
    }
  });

  it('Grafana and Loki ruler rules count the same thing, 5 failures in 5 minutes by user and by IP', () => {
    const grafanaExprs = grafanaRules.groups.flatMap((g) =>
      g.rules.flatMap((r) =>
        r.data.filter((d) => d.datasourceUid !== '__expr__').map((d) => String(d.model['expr']))
      )
    );
    const rulerExprs = lokiRules.groups.flatMap((g) => g.rules.map((r) => r.expr));
    expect(rulerExprs.map((e) => e.replace(/\s*>=\s*5$/, '')).sort()).toEqual(grafanaExprs.sort());
    expect(grafanaExprs.some((e) => e.startsWith('sum by (user_name)'))).toBe(true);
    expect(grafanaExprs.some((e) => e.startsWith('sum by (client_address)'))).toBe(true);
    const thresholds = grafanaRules.groups.flatMap((g) =>
      g.rules.map((r) =>
        JSON.stringify(r.data.find((d) => d.model['type'] === 'threshold')!.model['conditions'])
      )
    );
    for (const t of thresholds) expect(t).toContain('"params":[4]');
  });

  it("grafana-plugin/README.md's alerting-API example is the provisioned rule by user", () => {
    const readme = readFileSync(join(ROOT, 'grafana-plugin/README.md'), 'utf8');
    const block = /<!-- alert-rule-api-example -->\s*```json\n([^]*?)\n```/.exec(readme);
    expect(block).not.toBeNull();
    const example = JSON.parse(block![1]!) as Obj & { data: Array<{ datasourceUid: string }> };
    const group = grafanaRules.groups[0]!;
    const rule = group.rules.find((r) => r.uid === example['uid'])! as unknown as Obj & {
      data: Array<{ datasourceUid: string }>;
    };
    expect(rule).toBeDefined();
    expect(example['ruleGroup']).toBe(group.title);
    const sameSource = (d: { datasourceUid: string }) =>
      d.datasourceUid === '__expr__' ? d : { ...d, datasourceUid: '<loki>' };
    expect(example.data.map(sameSource)).toEqual(rule.data.map(sameSource));
    for (const key of ['title', 'condition', 'noDataState', 'execErrState', 'for', 'labels', 'annotations'])
      expect([key, example[key]]).toEqual([key, rule[key]]);
  });

  it('annotations link to the access-log page with filters the page understands', () => {
    const accessKeys = new Set(FILTER_FIELDS.access.map((f) => f.key));
    const links = [
      ...grafanaRules.groups.flatMap((g) => g.rules.map((r) => r.annotations['description']!)),
      ...lokiRules.groups.flatMap((g) => g.rules.map((r) => r.annotations['description']!)),
    ];
    for (const text of links) {
      const url = /(\/a\/\S+)/.exec(text)![1]!;
      expect(url.startsWith(`${APP_BASE_PATH}/${LOG_TYPE_SLUGS.access}?`)).toBe(true);
      for (const key of new URLSearchParams(url.split('?')[1]).keys()) expect(accessKeys).toContain(key);
    }
  });
});

describe('collector', () => {
  type Collector = {
    extensions: Obj;
    receivers: { otlp: { protocols: Record<string, { endpoint: string; auth: { authenticator: string } }> } };
    processors: Obj;
    exporters: Record<
      string,
      {
        endpoint: string;
        sending_queue: { storage: string; enabled: boolean };
        retry_on_failure: { enabled: boolean };
      }
    >;
    service: {
      extensions: string[];
      pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }>;
    };
  };
  const c = readYaml<Collector>('collector-config/otelcol.yaml');

  it('uses only components it defines, and defines none it does not use', () => {
    for (const e of c.service.extensions) expect(c.extensions).toHaveProperty([e]);
    const used = {
      receivers: new Set<string>(),
      processors: new Set<string>(),
      exporters: new Set<string>(),
    };
    for (const p of Object.values(c.service.pipelines)) {
      for (const kind of ['receivers', 'processors', 'exporters'] as const)
        for (const name of p[kind]) used[kind].add(name);
    }
    expect([...used.receivers].sort()).toEqual(Object.keys(c.receivers).sort());
    expect([...used.processors].sort()).toEqual(Object.keys(c.processors).sort());
    expect([...used.exporters].sort()).toEqual(Object.keys(c.exporters).sort());
    expect(Object.keys(c.extensions).sort()).toEqual([...c.service.extensions].sort());
  });

  it('listens on all interfaces with bearer-token auth, and queues on disk with retries', () => {
    for (const p of Object.values(c.receivers.otlp.protocols)) {
      expect(p.endpoint.startsWith('0.0.0.0:')).toBe(true);
      expect(c.extensions).toHaveProperty([p.auth.authenticator]);
    }
    for (const [name, e] of Object.entries(c.exporters)) {
      expect(name.split('/')[0]).toBe('otlp_http');
      expect(e.sending_queue.enabled).toBe(true);
      expect(c.extensions).toHaveProperty([e.sending_queue.storage]);
      expect(e.retry_on_failure.enabled).toBe(true);
    }
    expect(Object.keys(c.processors).some((p) => p.split('/')[0] === 'batch')).toBe(false);
    expect(c.service.pipelines['logs']!.processors[0]).toBe('memory_limiter');
  });
});

describe('Loki', () => {
  type Loki = {
    limits_config: {
      allow_structured_metadata: boolean;
      max_entries_limit_per_query: number;
      retention_period: string;
      otlp_config: {
        resource_attributes: { attributes_config: Array<{ action: string; attributes: string[] }> };
      };
    };
    schema_config: { configs: Array<{ store: string; schema: string }> };
    compactor: { retention_enabled: boolean };
    ruler: { storage: { local: { directory: string } }; alertmanager_url: string };
  };
  const l = readYaml<Loki>('collector-config/loki.yaml');

  it('makes audit.log_type an index label and keeps the rest as structured metadata', () => {
    const indexed = l.limits_config.otlp_config.resource_attributes.attributes_config
      .filter((a) => a.action === 'index_label')
      .flatMap((a) => a.attributes);
    expect(indexed).toEqual(['audit.log_type']);
    expect(l.limits_config.allow_structured_metadata).toBe(true);
    expect(l.limits_config.max_entries_limit_per_query).toBe(5000);
  });

  it('uses schema v13 on tsdb, keeps audit streams a year, and runs the ruler with an alertmanager', () => {
    expect(l.schema_config.configs.at(-1)).toMatchObject({ store: 'tsdb', schema: 'v13' });
    expect(l.limits_config.retention_period).toBe('8760h');
    expect(l.compactor.retention_enabled).toBe(true);
    expect(l.ruler.alertmanager_url).toMatch(/^http/);
    expect(l.ruler.storage.local.directory).toBe('/loki/rules');
    expect(existsSync(join(ROOT, 'collector-config/rules/fake'))).toBe(true);
  });
});
