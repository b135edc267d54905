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

/**
 * A label filter stage: one matcher, or two joined by `or` / `and` (also written `,` or a space), as the grammar
 * nests them (`LabelFilter` in `@grafana/lezer-logql`; Loki's `pkg/logql/log/label_filter.go`, `BinaryLabelFilter`).
 */
export type LabelFilterExpr =
  | { readonly kind: 'match'; readonly matcher: Matcher }
  | { readonly kind: 'or' | 'and'; readonly left: LabelFilterExpr; readonly right: LabelFilterExpr };

/** A parsed log query: stream selector and pipeline. */
export interface LogQuery {
  readonly selector: readonly Matcher[];
  /** Every label filter stage; an entry passes when it passes all of them. */
  readonly labelFilters: readonly LabelFilterExpr[];
  readonly lineFilters: readonly LineFilter[];
  /**
   * Labels and structured metadata removed from the answer by `| drop a, b`. The double applies them to the
   * answer only, wherever the stage stands: AuditLens never filters on a field it drops.
   */
  readonly dropped: readonly string[];
  /**
   * The only labels and structured metadata `| keep a, b` leaves in the answer, stream labels included
   * (`KeepLabelsExpr`, Loki's `pkg/logql/log/keep_labels.go`); undefined without a keep stage. Applied to the answer
   * only, as `dropped`.
   */
  readonly kept?: readonly string[];
}

/** A parsed `sum by (...) (count_over_time(<log query> [range]))`, maybe inside `topk(k, ...)`. */
export interface CountQuery {
  readonly by: readonly string[];
  readonly rangeNs: bigint;
  readonly inner: LogQuery;
  /** `k` of an enclosing `topk`: only the k largest series of each evaluation are answered. */
  readonly topk?: number;
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
  let agg = expr.getChild('VectorAggregationExpr');
  let topk: number | undefined;
  if (agg?.getChild('VectorOp')?.getChild('Topk')) {
    topk = Number(text(agg.getChild('Number')!));
    agg = agg.getChild('MetricExpr')?.getChild('VectorAggregationExpr') ?? null;
  }
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
  return {
    kind: 'count',
    count: { by, rangeNs: parseDuration(duration), inner: logQuery(logRange, text), topk },
  };
}

function logQuery(node: SyntaxNode, text: (n: SyntaxNode) => string): LogQuery {
  const selector: Matcher[] = [];
  const labelFilters: LabelFilterExpr[] = [];
  const lineFilters: LineFilter[] = [];
  const dropped: string[] = [];
  let kept: string[] | undefined;
  const walk = (n: SyntaxNode): void => {
    if (n.name === 'DropLabel') {
      if (n.getChild('Matcher'))
        throw new LokiQueryError('the Loki double supports only drop of whole labels');
      dropped.push(text(n.getChild('Identifier')!));
      return;
    }
    if (n.name === 'KeepLabel') {
      if (n.getChild('Matcher'))
        throw new LokiQueryError('the Loki double supports only keep of whole labels');
      (kept ??= []).push(text(n.getChild('Identifier')!));
      return;
    }
    if (n.name === 'OffsetExpr') throw new LokiQueryError('the Loki double does not support offset');
    if (n.name === 'LabelFilter') {
      labelFilters.push(labelFilter(n, text));
      return;
    }
    if (n.name === 'Matcher') {
      selector.push(matcher(n, text));
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
  return { selector, labelFilters, lineFilters, dropped, kept };
}

/** One label filter stage as the grammar nests it: a matcher, parentheses, or two filters joined by or / and. */
function labelFilter(n: SyntaxNode, text: (n: SyntaxNode) => string): LabelFilterExpr {
  const parts = n.getChildren('LabelFilter');
  if (parts.length === 2) {
    return {
      kind: n.getChild('Or') ? 'or' : 'and',
      left: labelFilter(parts[0]!, text),
      right: labelFilter(parts[1]!, text),
    };
  }
  if (parts.length === 1) return labelFilter(parts[0]!, text);
  const m = n.getChild('Matcher');
  if (!m) throw new LokiQueryError('the Loki double supports only string label filters');
  return { kind: 'match', matcher: matcher(m, text) };
}

function passes(f: LabelFilterExpr, e: StoredEntry): boolean {
  switch (f.kind) {
    case 'match':
      return matches(f.matcher, e.metadata[f.matcher.name] ?? e.labels[f.matcher.name], true);
    case 'or':
      return passes(f.left, e) || passes(f.right, e);
    case 'and':
      return passes(f.left, e) && passes(f.right, e);
  }
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
  if (!q.labelFilters.every((f) => passes(f, e))) return false;
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
