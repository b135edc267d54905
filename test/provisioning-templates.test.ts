import { filesUnder, readJson, readYaml } from './repo-files';
import { expandLikeGrafanaProvisioning, variablesRead } from './grafana-expansion';
import { templateRefs } from './go-template-refs';
import { grafanaRuleData, lokiRuleData, outputLabels, unresolvedRefs } from './alert-template-data';

type Yaml = unknown;
interface StringAt {
  readonly file: string;
  readonly path: readonly (string | number)[];
  readonly value: string;
}
interface GrafanaRuleGroup {
  rules: Array<{
    uid: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    data: Array<{ refId: string; datasourceUid: string; model: Record<string, unknown> }>;
  }>;
}
interface LokiRuleFile {
  groups: Array<{
    rules: Array<{
      alert: string;
      expr: string;
      annotations?: Record<string, string>;
      labels?: Record<string, string>;
    }>;
  }>;
}

const PROVISIONING_FILES = [
  ...filesUnder('provisioning', ['.yaml', '.yml']),
  ...filesUnder('grafana-plugin/provisioning', ['.yaml', '.yml']),
];

/** The environment docker-compose.yml gives Grafana: names only, the values do not matter here. */
const grafanaEnv: Record<string, string> = Object.fromEntries(
  Object.keys(
    readYaml<{ services: { grafana: { environment: Record<string, string> } } }>('docker-compose.yml')
      .services.grafana.environment
  ).map((name) => [name, `<${name}>`])
);

/**
 * Every string of a file: for a provisioning file, those Grafana expands (all, except an alert query's `model`,
 * which `pkg/services/provisioning/alerting/rules_types.go` (`QueryV1.mapToModel`) reads from `Model.Raw`).
 */
function stringsOf(file: string, parsed: Yaml): StringAt[] {
  const out: StringAt[] = [];
  const walk = (node: Yaml, path: (string | number)[]): void => {
    if (typeof node === 'string') out.push({ file, path, value: node });
    else if (Array.isArray(node)) node.forEach((n, i) => walk(n, [...path, i]));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'model' && path.includes('data')) continue;
        walk(v, [...path, k]);
      }
    }
  };
  walk(parsed, []);
  return out;
}

const allStrings = PROVISIONING_FILES.flatMap((file) => stringsOf(file, readYaml(file)));
const templates = allStrings.filter((s) => s.value.includes('{{'));
/** The API bodies the bootstrap sends into the ops org: Grafana's API expands nothing in them. */
const OPS_FILES = filesUnder('provisioning/ops', ['.json']);
const opsTemplates = OPS_FILES.flatMap((file) => stringsOf(file, readJson(file))).filter((s) =>
  s.value.includes('{{')
);
const where = (s: StringAt): string => `${s.file}: ${s.path.join('.')}`;

/** The Grafana-managed alert rules (provisioning/ops/), with the template data each rule's annotations run with. */
function grafanaRules() {
  return OPS_FILES.filter((file) => file.endsWith('alert-rule-group.json')).flatMap((file) =>
    [readJson<GrafanaRuleGroup>(file)].flatMap((g) =>
      g.rules.map((rule) => {
        const queries = rule.data.filter((d) => d.datasourceUid !== '__expr__');
        const labels = [...new Set(queries.flatMap((q) => outputLabels(String(q.model['expr']))))];
        const refIds = rule.data.filter((d) => d.datasourceUid === '__expr__').map((d) => d.refId);
        return { file, rule, data: grafanaRuleData(labels, refIds) };
      })
    )
  );
}

describe("Grafana's expansion of provisioning values (values.go interpolateValue)", () => {
  const env = { A: 'a', LONG_NAME: 'long' };

  it.each([
    ['$A and ${A}', 'a and a'],
    ['$$A stays a literal', '$A stays a literal'],
    ['$__env{LONG_NAME}', 'long'],
    ['unset $NOPE and ${NOPE}', 'unset  and '],
    ['{{ $labels.user_name }}', '{{ .user_name }}'],
    ['{{ $$labels.user_name }}', '{{ $labels.user_name }}'],
    ['cost: $ 5', 'cost: $ 5'],
    ['bad ${} and ${', 'bad  and '],
    ['$1x', 'x'],
    ['{{ .Labels.user_name | urlquery }}', '{{ .Labels.user_name | urlquery }}'],
  ])('%s → %s', (input, expected) => {
    expect(expandLikeGrafanaProvisioning(input, env)).toBe(expected);
  });

  it('names the variables a value reads', () => {
    expect(variablesRead('$A ${B} $__env{C} $$D').sort()).toEqual(['A', 'B', 'C']);
  });
});

describe('provisioning files under expansion', () => {
  it('hold no templates: the alert rules reach Grafana through its API (provisioning/ops/)', () => {
    expect(templates).toEqual([]);
  });

  it.each(allStrings.filter((s) => variablesRead(s.value).length > 0).map((s) => [where(s), s] as const))(
    '%s reads only variables docker-compose.yml gives Grafana',
    (_where, s) => {
      for (const name of variablesRead(s.value)) expect(Object.keys(grafanaEnv)).toContain(name);
    }
  );
});

describe('alert templates of the ops org’s rules (provisioning/ops/, sent through the API as written)', () => {
  it('has templates to check (the alert annotations)', () => {
    expect(opsTemplates.length).toBeGreaterThanOrEqual(4);
  });

  it('every template is an alert rule annotation or label, whose data is known', () => {
    for (const s of opsTemplates) {
      expect(`${where(s)}: ${s.path[0]}.${s.path[2]}`).toMatch(/: rules\.(annotations|labels)$/);
    }
  });

  it.each(
    grafanaRules().flatMap(({ file, rule, data }) =>
      Object.entries({ ...rule.annotations, ...rule.labels })
        .filter(([, v]) => v.includes('{{'))
        .map(([key, value]) => [`${file}: ${rule.uid} ${key}`, value, data] as const)
    )
  )('%s reads only what the rule evaluation gives it', (_where, value, data) => {
    expect(templateRefs(value).length).toBeGreaterThan(0);
    expect(unresolvedRefs(value, data)).toEqual([]);
  });

  it('the check fails the templates Grafana breaks: $labels vanishes, a missing label or refId is caught', () => {
    const data = grafanaRuleData(['user_name'], ['B', 'C']);
    const broken = expandLikeGrafanaProvisioning('User {{ $labels.user_name }} failed {{ $values.B }}', {});
    expect(broken).toBe('User {{ .user_name }} failed {{ .B }}');
    expect(unresolvedRefs(broken, data)).toEqual([
      '.user_name: the data has no field user_name',
      '.B: the data has no field B',
    ]);
    expect(unresolvedRefs('{{ .Labels.client_address }} {{ .Values.A }}', data)).toEqual([
      '.Labels.client_address: Labels has no client_address (it has user_name)',
      '.Values.A: Values has no A (it has B, C)',
    ]);
    expect(unresolvedRefs('{{ $labels.user_name }} {{ index .Values "B" }} {{ $value }}', data)).toEqual([]);
    expect(unresolvedRefs('{{ $x := .Labels.user_name }}{{ $x }} {{ $nope }}', data)).toEqual([
      '$nope.: no variable $nope',
    ]);
  });
});

describe('Loki ruler rules (collector-config/rules/fake/), read by Loki without any expansion', () => {
  const files = filesUnder('collector-config/rules', ['.yaml', '.yml']);
  const annotations = files.flatMap((file) =>
    readYaml<LokiRuleFile>(file).groups.flatMap((g) =>
      g.rules.flatMap((rule) =>
        Object.entries(rule.annotations ?? {}).map(
          ([key, value]) =>
            [`${file}: ${rule.alert} ${key}`, value, lokiRuleData(outputLabels(rule.expr))] as const
        )
      )
    )
  );

  it('has annotations to check', () => {
    expect(annotations.length).toBeGreaterThanOrEqual(4);
  });

  it.each(annotations)('%s reads only the labels its query keeps', (_where, value, data) => {
    expect(templateRefs(value).length).toBeGreaterThan(0);
    expect(unresolvedRefs(value, data)).toEqual([]);
  });
});
