import { parser } from '@grafana/lezer-logql';

// The node type as the grammar's own @lezer/common copy declares it.
type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** A stored entry of the Loki double. */
export interface StoredEntry {
  readonly ts: bigint;
  readonly line: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly metadata: Readonly<Record<string, string>>;
  /** Push order; Loki keeps push order among entries of one timestamp, in both directions. */
  readonly seq: number;
}

type Op = '=' | '!=' | '=~' | '!~';
interface Matcher {
  readonly name: string;
  readonly op: Op;
  readonly value: string;
}
interface LineFilter {
  readonly op: '|=' | '!=' | '|~' | '!~';
  readonly value: string;
}

/** A parsed log query: stream selector and pipeline. */
export interface LogQuery {
  readonly selector: readonly Matcher[];
  readonly labelFilters: readonly Matcher[];
  readonly lineFilters: readonly LineFilter[];
  /**
   * Labels and structured metadata removed from the answer by `| drop a, b`. The double applies them to the
   * answer only, wherever the stage stands: AuditLens never filters on a field it drops.
   */
  readonly dropped: readonly string[];
}

/** A parsed `sum by (...) (count_over_time(<log query> [range]))`. */
export interface CountQuery {
  readonly by: readonly string[];
  readonly rangeNs: bigint;
  readonly inner: LogQuery;
}

/** A query the double rejects the way Loki does: HTTP 400 with a plain-text body. */
export class LokiQueryError extends Error {}

const EMPTY_COMPATIBLE =
  'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will';

/** Parses the subset of LogQL AuditLens uses, with Grafana's own grammar. */
export function parseQuery(
  query: string
): { kind: 'logs'; logs: LogQuery } | { kind: 'count'; count: CountQuery } {
  const tree = parser.parse(query);
  let error: number | undefined;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && error === undefined) error = n.from;
    },
  });
  if (error !== undefined) {
    const { line, col } = position(query, error);
    throw new LokiQueryError(`parse error at line ${line}, col ${col}: syntax error`);
  }
  const expr = tree.topNode.firstChild?.firstChild;
  if (!expr) throw new LokiQueryError('parse error : empty query');
  const text = (n: SyntaxNode): string => query.slice(n.from, n.to);
  if (expr.name === 'LogExpr') return { kind: 'logs', logs: logQuery(expr, text) };
  const agg = expr.getChild('VectorAggregationExpr');
  const range = agg?.getChild('MetricExpr')?.getChild('RangeAggregationExpr');
  if (
    !agg ||
    !range ||
    !agg.getChild('VectorOp')?.getChild('Sum') ||
    !range.getChild('RangeOp')?.getChild('CountOverTime')
  ) {
    throw new LokiQueryError(
      'the Loki double supports only sum by (...) (count_over_time(...)) metric queries'
    );
  }
  const by = (agg.getChild('Grouping')?.getChild('Labels')?.getChildren('Identifier') ?? []).map(text);
  const logRange = range.getChild('LogRangeExpr')!;
  const duration = text(logRange.getChild('Range')!.getChild('Duration')!);
  return { kind: 'count', count: { by, rangeNs: parseDuration(duration), inner: logQuery(logRange, text) } };
}

function logQuery(node: SyntaxNode, text: (n: SyntaxNode) => string): LogQuery {
  const selector: Matcher[] = [];
  const labelFilters: Matcher[] = [];
  const lineFilters: LineFilter[] = [];
  const dropped: string[] = [];
  const walk = (n: SyntaxNode): void => {
    if (n.name === 'DropLabel') {
      if (n.getChild('Matcher'))
        throw new LokiQueryError('the Loki double supports only drop of whole labels');
      dropped.push(text(n.getChild('Identifier')!));
      return;
    }
    if (n.name === 'KeepLabelsExpr') throw new LokiQueryError('the Loki double does not support keep');
    if (n.name === 'Matcher') {
      const m = matcher(n, text);
      let p = n.parent;
      while (p && p.name !== 'Selector' && p.name !== 'LabelFilter') p = p.parent;
      (p?.name === 'Selector' ? selector : labelFilters).push(m);
      return;
    }
    if (n.name === 'LineFilter') {
      const filter = n.getChild('Filter')!.firstChild!;
      lineFilters.push({ op: text(filter) as LineFilter['op'], value: unquote(text(n.getChild('String')!)) });
      return;
    }
    for (let c = n.firstChild; c; c = c.nextSibling) walk(c);
  };
  walk(node);
  if (!selector.some((m) => !emptyCompatible(m))) throw new LokiQueryError(EMPTY_COMPATIBLE);
  return { selector, labelFilters, lineFilters, dropped };
}

function matcher(n: SyntaxNode, text: (n: SyntaxNode) => string): Matcher {
  const name = text(n.getChild('Identifier')!);
  const opNode = n.getChild('Eq') ?? n.getChild('Neq') ?? n.getChild('Re') ?? n.getChild('Nre');
  return { name, op: text(opNode!) as Op, value: unquote(text(n.getChild('String')!)) };
}

function emptyCompatible(m: Matcher): boolean {
  return matches(m, '');
}

function unquote(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  return JSON.parse(literal.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string;
}

/** RE2 patterns as JavaScript ones: Loki anchors label regexps; `(?i)` becomes the `i` flag. */
function compile(pattern: string, anchored: boolean): RegExp {
  let flags = 'u';
  let source = pattern;
  if (source.startsWith('(?i)')) {
    flags += 'i';
    source = source.slice(4);
  }
  return new RegExp(anchored ? `^(?:${source})$` : source, flags);
}

function matches(m: Matcher, value: string | undefined, pipeline = false): boolean {
  const v = value ?? '';
  const regexp = (pattern: string) => (pipeline ? pipelineRegexp(pattern) : compile(pattern, true));
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return regexp(m.value).test(v);
    case '!~':
      return !regexp(m.value).test(v);
  }
}

/**
 * A label filter's regexp in a pipeline (`| name=~"..."`). Loki 3.7 simplifies a one-sided star around a literal,
 * `.*foo` or `foo.*` (also with `(?i)`), into a substring match instead of anchoring it as stream selectors do
 * (`parseRegexpFilter` in Loki's `pkg/logql/log/filter.go`; grafana/loki#14433 and #23892), so `.*03` matches
 * `0030`. Every other pattern is anchored, `.*3$` included. Checked against Loki 3.7.6 in the contract suite.
 */
function pipelineRegexp(pattern: string): RegExp {
  const insensitive = pattern.startsWith('(?i)');
  const source = insensitive ? pattern.slice(4) : pattern;
  const oneSided = /^\.\*([^\\.+*?()|[\]{}^$]+)$/.exec(source) ?? /^([^\\.+*?()|[\]{}^$]+)\.\*$/.exec(source);
  if (!oneSided) return compile(pattern, true);
  const literal = oneSided[1]!.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&');
  return new RegExp(literal, insensitive ? 'iu' : 'u');
}

/** True when the entry passes the selector and every pipeline stage. */
export function entryMatches(q: LogQuery, e: StoredEntry): boolean {
  if (!q.selector.every((m) => matches(m, e.labels[m.name]))) return false;
  if (!q.labelFilters.every((m) => matches(m, e.metadata[m.name] ?? e.labels[m.name], true))) return false;
  return q.lineFilters.every((f) => {
    switch (f.op) {
      case '|=':
        return e.line.includes(f.value);
      case '!=':
        return !e.line.includes(f.value);
      case '|~':
        return compile(f.value, false).test(e.line);
      case '!~':
        return !compile(f.value, false).test(e.line);
    }
  });
}

const UNITS: Record<string, bigint> = {
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
};

function parseDuration(d: string): bigint {
  let total = 0n;
  for (const [, n, unit] of d.matchAll(/(\d+)(ms|s|m|h|d)/g)) total += BigInt(n!) * UNITS[unit!]!;
  return total;
}

function position(query: string, offset: number): { line: number; col: number } {
  const before = query.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}
