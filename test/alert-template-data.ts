import { parser } from '@grafana/lezer-logql';
import { definedVariables, templateRefs, type TemplateRef } from './go-template-refs';

/** What `.` holds when an alert annotation template runs, and the variables defined over it. */
export interface AlertTemplateData {
  /** Variables the alerting engine defines before the template: `$labels` → `Labels`. */
  readonly variables: Readonly<Record<string, string>>;
  /** Each top-level field: its keys, `scalar` (no deeper path), or `any`. */
  readonly fields: Readonly<Record<string, readonly string[] | 'scalar' | 'any'>>;
}

/**
 * Grafana-managed rules: grafana/grafana `pkg/services/ngalert/state/template/template.go` `Data` (`Labels`,
 * `Values` by expression refId, `Value`) and the preamble `Expand` adds:
 * `{{- $labels := .Labels -}}{{- $values := .Values -}}{{- $value := .Value -}}`.
 */
export function grafanaRuleData(labels: readonly string[], refIds: readonly string[]): AlertTemplateData {
  return {
    variables: { labels: 'Labels', values: 'Values', value: 'Value' },
    fields: { Labels: labels, Values: refIds, Value: 'scalar' },
  };
}

/**
 * Loki ruler rules, which run Prometheus' rule templating (prometheus `rules/alerting.go`: `$labels`, `$value`,
 * `$externalLabels`, `$externalURL` defined over `template.AlertTemplateData`).
 */
export function lokiRuleData(labels: readonly string[]): AlertTemplateData {
  return {
    variables: {
      labels: 'Labels',
      value: 'Value',
      externalLabels: 'ExternalLabels',
      externalURL: 'ExternalURL',
    },
    fields: { Labels: labels, Value: 'scalar', ExternalLabels: 'any', ExternalURL: 'scalar' },
  };
}

/** The references of `template` that `data` cannot answer, described; empty when every one resolves. */
export function unresolvedRefs(template: string, data: AlertTemplateData): string[] {
  const own = new Set(definedVariables(template));
  const problems: string[] = [];
  for (const ref of templateRefs(template)) {
    const problem = resolve(ref, data, own);
    if (problem) problems.push(problem);
  }
  return problems;
}

function resolve(ref: TemplateRef, data: AlertTemplateData, own: ReadonlySet<string>): string | undefined {
  const shown = `${ref.variable !== undefined ? `$${ref.variable}` : ''}.${ref.path.join('.')}`;
  let path = ref.path;
  if (ref.variable !== undefined) {
    if (own.has(ref.variable)) return undefined;
    const field = data.variables[ref.variable];
    if (field === undefined) return `${shown}: no variable $${ref.variable}`;
    path = [field, ...path];
  }
  if (path.length === 0) return undefined;
  const spec = data.fields[path[0]!];
  if (spec === undefined) return `${shown}: the data has no field ${path[0]}`;
  if (spec === 'any' || path.length === 1) return undefined;
  if (spec === 'scalar') return `${shown}: ${path[0]} has no field ${path[1]}`;
  if (!spec.includes(path[1]!)) return `${shown}: ${path[0]} has no ${path[1]} (it has ${spec.join(', ')})`;
  return undefined;
}

/** The labels each series of a LogQL metric query carries: those of its outermost `by (...)`. */
export function outputLabels(expr: string): string[] {
  const tree = parser.parse(expr);
  let labels: string[] | undefined;
  tree.iterate({
    enter: (node) => {
      if (labels !== undefined) return false;
      if (node.name !== 'Grouping') return undefined;
      const grouping = expr.slice(node.from, node.to);
      if (!grouping.trimStart().startsWith('by'))
        throw new Error(`${expr}: only "by (...)" groupings are followed by this check`);
      labels = [];
      node.node
        .getChild('Labels')
        ?.getChildren('Identifier')
        .forEach((id) => {
          labels!.push(expr.slice(id.from, id.to));
        });
      return false;
    },
  });
  if (labels === undefined)
    throw new Error(`${expr}: no "by (...)" grouping, so its series labels are unknown`);
  return labels;
}
