// Go's `path.Clean` and `path.Join` (src/path/path.go), which Grafana applies to request paths. Written from the
// rules of that file, not copied; no Node dependency, so the in-browser routing double can use it too.

/**
 * `path.Clean`: one slash between names, `.` elements dropped, each `..` removing the name before it, a `..`
 * at the root dropped (so a rooted path never climbs above `/`), no trailing slash; the empty path is `.`.
 */
export function goPathClean(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const element of path.split('/')) {
    if (element === '' || element === '.') continue;
    if (element === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(element);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** `path.Join`: the non-empty elements joined with slashes, then cleaned; '' when every element is empty. */
export function goPathJoin(...elements: readonly string[]): string {
  const parts = elements.filter((e) => e !== '');
  return parts.length === 0 ? '' : goPathClean(parts.join('/'));
}
