/**
 * Grafana's environment expansion of provisioning values, as Grafana 13 applies it to strings read from the files
 * under `provisioning/` (alert rules, contact points, policies, data sources, dashboard providers, plugins).
 *
 * Follows grafana/grafana `pkg/services/provisioning/values/values.go` `interpolateValue`: the value is split on
 * `$$`; each part goes through `setting.ExpandVar` (`pkg/setting/expanders.go`: `${NAME}` and `$__env{NAME}` from
 * the environment, `$__file{path}` from a file) and then Go's `os.ExpandEnv` (`src/os/env.go`); the parts are joined
 * with a single `$`. So `$$` is a literal `$`, and `$name` or `${name}` is the environment's value, or nothing.
 */
export function expandLikeGrafanaProvisioning(value: string, env: Readonly<Record<string, string>>): string {
  return value
    .split('$$')
    .map((part) => goExpandEnv(expandVar(part, env), env))
    .join('$');
}

/** `pkg/setting/expanders.go` `ExpandVar`: the `env` expander, then `file`; other providers (Enterprise) stay. */
function expandVar(part: string, env: Readonly<Record<string, string>>): string {
  // The expanders' regex: \$(|__\w+){([^}]+)}
  return part.replace(/\$(|__\w+)\{([^}]+)\}/g, (match, provider: string, name: string) => {
    if (provider === '' || provider === '__env') return env[name] ?? '';
    if (provider === '__file')
      throw new Error(`${match}: a file expander reads a file on Grafana's machine; not used by AuditLens`);
    return match;
  });
}

/** Go's `os.Expand` with the environment as the mapping, byte for byte as `src/os/env.go` scans. */
function goExpandEnv(s: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  let i = 0;
  for (let j = 0; j < s.length; j++) {
    if (s[j] === '$' && j + 1 < s.length) {
      out += s.slice(i, j);
      const [name, width] = shellName(s.slice(j + 1));
      if (name === '' && width > 0) {
        // Invalid syntax (`${}` or an unclosed `${`): Go drops the characters.
      } else if (name === '') {
        out += '$';
      } else {
        out += env[name] ?? '';
      }
      j += width;
      i = j + 1;
    }
  }
  return out + s.slice(i);
}

const SHELL_SPECIAL = new Set('*#$@!?-0123456789');
const ALPHANUMERIC = /[A-Za-z0-9_]/;

/** `src/os/env.go` `getShellName`: the name after a `$` and how many bytes it took. */
function shellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && SHELL_SPECIAL.has(s[1]!) && s[2] === '}') return [s[1]!, 3];
    const close = s.indexOf('}', 1);
    if (close === 1) return ['', 2];
    if (close === -1) return ['', 1];
    return [s.slice(1, close), close + 1];
  }
  if (SHELL_SPECIAL.has(s[0]!)) return [s[0]!, 1];
  let i = 0;
  while (i < s.length && ALPHANUMERIC.test(s[i]!)) i++;
  return [s.slice(0, i), i];
}

/** Environment variables a value reads when Grafana expands it (`$NAME`, `${NAME}`, `$__env{NAME}`). */
export function variablesRead(value: string): string[] {
  const names: string[] = [];
  const record = new Proxy<Record<string, string>>(
    {},
    {
      get: (_target, key) => {
        if (typeof key === 'string') names.push(key);
        return 'x';
      },
    }
  );
  expandLikeGrafanaProvisioning(value, record);
  return [...new Set(names)];
}
