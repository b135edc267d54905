import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_ACTIONS, PLUGIN_ID } from '@auditlens/contract';
import source from '../src/plugin.json';

// The `test` script builds first; this checks what Grafana would load from dist/.
const dist = join(__dirname, '..', 'dist');

describe('the built plugin (dist/)', () => {
  const built = JSON.parse(readFileSync(join(dist, 'plugin.json'), 'utf8')) as typeof source;
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
  };

  it('carries plugin.json with the version and date filled in, and nothing else changed', () => {
    expect(built.info.version).toBe(version);
    expect(built.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect({ ...built, info: { ...built.info, version: '%VERSION%', updated: '%TODAY%' } }).toEqual(source);
  });

  it('guards every route and page with an action declared in roles, and points routes at the service', () => {
    const declared = new Set(built.roles.flatMap((r) => r.role.permissions.map((p) => p.action)));
    const known = (action: string | undefined) =>
      !!action &&
      (action.startsWith(`${PLUGIN_ID}.`)
        ? declared.has(action)
        : Object.values(CORE_ACTIONS).includes(action as never));
    for (const r of built.routes as Array<{ reqAction?: string; url: string }>) {
      expect(known(r.reqAction)).toBe(true);
      expect(r.url).toMatch(/^\{\{ \.JsonData\.exportServiceUrl \}\}\//);
    }
    for (const page of (built.includes as Array<{ type: string; action?: string }>).filter(
      (i) => i.type === 'page'
    ))
      expect(known(page.action)).toBe(true);
  });

  it('is an AMD module that takes React and Grafana from Grafana, with the logo beside it', () => {
    const js = readFileSync(join(dist, 'module.js'), 'utf8');
    expect(js).toMatch(/^(\/\*[^]*?\*\/\s*)?define\(\[/);
    for (const external of ['"react"', '"@grafana/data"', '"@grafana/ui"', '"@grafana/runtime"'])
      expect(js).toContain(external);
    expect(js).toContain(`public/plugins/${PLUGIN_ID}/`);
    expect(existsSync(join(dist, built.info.logos.small))).toBe(true);
    expect(existsSync(join(dist, 'README.md'))).toBe(true);
  });

  it('carries no React of its own, so it runs on the React that Grafana 12 (18) or 13 (19) shares', () => {
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
      const js = readFileSync(join(dist, file), 'utf8');
      // React 19's jsx-runtime makes elements a React 18 renderer rejects.
      expect(js).not.toContain('react.transitional.element');
      expect(js).not.toMatch(/react-dom\.(production|development)/);
    }
  });
});
