// Double of Grafana's route-path matcher (`pkg/web/tree.go`: `NewTree`, `Add`, `Match`) as the plugin proxy
// uses it: `pkg/api/pluginproxy/pluginproxy.go` `HandleRequest` builds a tree holding one route's `path` and
// matches the request's proxy path against it. Written from that file, not copied. Only the pattern kinds a
// plugin.json route can sensibly use are modelled; the others throw, so nobody relies on them by accident.

/** One segment of a route path, classified as `tree.go` `checkPattern` does. */
type Segment =
  | { readonly kind: 'static'; readonly text: string }
  | { readonly kind: 'holder'; readonly name: string }
  | { readonly kind: 'matchAll' };

/** What a successful match captured: `:name` segments, and under `*` the rest of the path (unescaped). */
export type RouteParams = Readonly<Record<string, string>>;

/** A route path compiled once: `match()` answers like `web.NewTree(); t.Add(path); t.Match(url)`. */
export class PluginRouteTree {
  private readonly segments: readonly Segment[];

  constructor(readonly pattern: string) {
    // tree.go `Add`: strings.TrimSuffix(pattern, "/"), then `addNextSegment` trims one leading "/".
    const trimmed = trimOnePrefix(trimOneSuffix(pattern, '/'), '/');
    this.segments = trimmed.split('/').map(classify);
  }

  /** The captured params when `proxyPath` matches, undefined otherwise. */
  match(proxyPath: string): RouteParams | undefined {
    // tree.go `Match`: one leading and one trailing "/" are trimmed before matching.
    const url = trimOneSuffix(trimOnePrefix(proxyPath, '/'), '/');
    const params: Record<string, string> = {};
    return this.walk(0, url, params) ? params : undefined;
  }

  // The tree of one pattern has, at depth i, either a subtree (segment i is not the last) or a leaf (it is).
  private walk(i: number, url: string, params: Record<string, string>): boolean {
    const segment = this.segments[i];
    if (!segment) return false;
    const isLeaf = i === this.segments.length - 1;
    const slash = url.indexOf('/');
    if (slash < 0) {
      // tree.go `matchLeaf`: the whole remaining url against the leaf; nothing to do at a subtree level.
      if (!isLeaf) return false;
      const value = pathUnescape(url);
      if (value === undefined) return false;
      switch (segment.kind) {
        case 'static':
          return segment.text === value;
        case 'holder':
          params[segment.name] = value;
          return true;
        case 'matchAll':
          params['*'] = value;
          return true;
      }
    }
    const before = url.slice(0, slash);
    const after = url.slice(slash + 1);
    if (!isLeaf) {
      // tree.go `matchSubtree`: this segment against `before`, then the rest one level down.
      const value = pathUnescape(before);
      if (value === undefined) return false;
      if (segment.kind === 'static' && segment.text !== value) return false;
      if (!this.walk(i + 1, after, params)) return false;
      if (segment.kind === 'holder') params[segment.name] = value;
      return true;
    }
    // tree.go `matchSubtree` fallback: a leaf `*` takes everything that is left, slashes included, so a
    // trailing `*` matches one or more segments. A static or `:name` leaf never spans a slash.
    if (segment.kind !== 'matchAll') return false;
    const rest = pathUnescape(url);
    if (rest === undefined) return false;
    params['*'] = rest;
    return true;
  }
}

function classify(text: string): Segment {
  if (text === '*') return { kind: 'matchAll' };
  // tree.go: `:name` alone is a holder (one whole segment); `*.*`, `:name(regexp)`, `:int`, `:string`,
  // `prefix:name` and optional `?` segments are other pattern kinds this double does not model.
  const holder = /^:([a-zA-Z0-9]+)$/.exec(text);
  if (holder) return { kind: 'holder', name: `:${holder[1]!}` };
  if (text.includes(':') || text.includes('*') || text.startsWith('?') || text.includes('(')) {
    throw new Error(
      `route path segment "${text}" is a web.Tree pattern kind the Grafana double does not model`
    );
  }
  return { kind: 'static', text };
}

// Go's url.PathUnescape: %XX decoded, "+" kept; a malformed escape fails the match (tree.go returns false).
function pathUnescape(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function trimOneSuffix(text: string, suffix: string): string {
  return text.endsWith(suffix) ? text.slice(0, -suffix.length) : text;
}

function trimOnePrefix(text: string, prefix: string): string {
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}
