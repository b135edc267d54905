import { filesUnder, readJson, readYaml } from './repo-files';

/** A dashboard as far as the checks read it. */
export interface Dashboard {
  uid: string;
  panels: Array<{ targets: Array<{ expr: string; queryType?: string }> }>;
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
}
/** The body of `PUT /api/v1/provisioning/folder/:folderUid/rule-groups/:group` (an `AlertRuleGroup`). */
export interface GrafanaRuleGroup {
  title: string;
  folderUid: string;
  interval: number;
  rules: Array<{
    uid: string;
    folderUID: string;
    ruleGroup: string;
    annotations: Record<string, string>;
    labels: Record<string, string>;
    data: Array<{ refId: string; datasourceUid: string; model: Record<string, unknown> }>;
  }>;
}
interface LokiRules {
  groups: Array<{ rules: Array<{ alert: string; expr: string; annotations: Record<string, string> }> }>;
}

/** The generated dashboards, as committed (`npm run generate -w dashboards` writes them). */
export const dashboardFiles = filesUnder('dashboards/json', ['.json']);
/** The Grafana-managed alert rules, as the bootstrap sends them into the ops org (provisioning/ops/). */
export const grafanaRuleGroup = readJson<GrafanaRuleGroup>('provisioning/ops/alert-rule-group.json');
/** The rule groups of the Grafana-managed alert rules (one). */
export const grafanaRules = { groups: [grafanaRuleGroup] };
/** The Loki ruler rules. */
export const lokiRules = readYaml<LokiRules>('collector-config/rules/fake/auditlens-login-failures.yaml');

/** One LogQL expression of the stack's configuration: where it is, the query, and whether Grafana runs it instant. */
export type StackExpression = [where: string, expr: string, instant: boolean];

/** Every LogQL expression in the stack's configuration (dashboards, Grafana alert rules, Loki ruler rules). */
export function allExpressions(): StackExpression[] {
  const out: StackExpression[] = [];
  for (const file of dashboardFiles) {
    for (const p of readJson<Dashboard>(file).panels)
      for (const t of p.targets) out.push([file, t.expr, t.queryType === 'instant']);
  }
  for (const g of grafanaRules.groups) {
    for (const r of g.rules) {
      for (const d of r.data)
        if (d.datasourceUid !== '__expr__') out.push([`alert ${r.uid}`, String(d.model['expr']), true]);
    }
  }
  for (const g of lokiRules.groups) for (const r of g.rules) out.push([`ruler ${r.alert}`, r.expr, true]);
  return out;
}
