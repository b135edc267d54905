import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLUGIN_ID } from '@auditlens/contract';
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

  it('has every route guarded and pointed at the configured export service', () => {
    for (const r of built.routes as Array<{ reqAction?: string; reqRole?: string; url: string }>) {
      expect(r.reqAction ?? r.reqRole).toBeTruthy();
      expect(r.url).toMatch(/^\{\{ \.JsonData\.exportServiceUrl \}\}\//);
    }
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
});
