import { parser } from '@grafana/lezer-logql';

/**
 * A LogQL expression as Grafana sends it to Loki: its template variables and macros interpolated with
 * representative values (`$__auto` → `5m`, `$user` → `x`).
 */
export function interpolate(expr: string): string {
  return expr
    .replace(/\$__(auto|interval|range|rate_interval)\b/g, '5m')
    .replace(/\$\{(\w+)(?::\w+)?\}/g, 'x')
    .replace(/\$(\w+)/g, 'x');
}

/** Parses LogQL with Grafana's grammar; returns the names it matches on or groups by, or throws on an error. */
export function namesIn(expr: string): string[] {
  const query = interpolate(expr);
  const tree = parser.parse(query);
  const names: string[] = [];
  let error: number | undefined;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && error === undefined) error = n.from;
      if (n.name === 'Identifier') {
        const parent = n.node.parent?.name;
        if (parent === 'Matcher' || parent === 'Labels' || parent === 'UnwrapExpr')
          names.push(query.slice(n.from, n.to));
      }
    },
  });
  if (error !== undefined) throw new Error(`LogQL does not parse at ${error}: ${query}`);
  return names;
}

/**
 * A dashboard query as Grafana sends it when every variable is at the dashboard's default: `$service` "All"
 * (`allValue` `.+`), the text filters `.*`, the `$search` box empty, `$__auto` one minute, `$__range` one hour.
 */
export function withDashboardDefaults(expr: string): string {
  const value = (name: string): string => {
    if (name === 'service') return '.+';
    if (name === 'search') return '';
    return '.*';
  };
  return expr
    .replace(/\$__(auto|interval|rate_interval)\b/g, '1m')
    .replace(/\$__range\b/g, '1h')
    .replace(/\$\{(\w+)(?::\w+)?\}/g, (_m, name: string) => value(name))
    .replace(/\$(\w+)/g, (_m, name: string) => value(name));
}
