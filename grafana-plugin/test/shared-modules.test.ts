import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBundleImports } from './support/bundleImports';
import { GRAFANA_SHARED_MODULES } from './support/grafanaSharedModules';

// The `test` script builds first; this reads what Grafana would load from dist/. Whether each export the bundle
// reads exists in Grafana 13's copy of its module is checked here for the routers (they load in node), and for
// every module in the browser test, against the modules the harness hands the plugin (test/browser/).

/**
 * Grafana 13's routers as @grafana/ui 13 depends on them (`react-router-dom` ^5.3.4, `react-router-dom-v5-compat`
 * ^6.26.1; installed beside @grafana/ui, since the app's own react-router-dom is v6), under the names Grafana
 * shares them by (`sharedDependencies.ts`: `'react-router': () => import('react-router-dom-v5-compat')`).
 */
const fromGrafanaUi = createRequire(require.resolve('@grafana/ui/package.json'));
const GRAFANA_ROUTERS: Readonly<Record<string, () => object>> = {
  'react-router-dom': () => fromGrafanaUi('react-router-dom') as object,
  'react-router': () => fromGrafanaUi('react-router-dom-v5-compat') as object,
};
describe('what the built plugin asks Grafana for', () => {
  const bundle = readBundleImports(join(__dirname, '..', 'dist'));

  it('asks only for modules Grafana 13 shares with plugins', () => {
    expect(bundle.requested.filter((name) => !GRAFANA_SHARED_MODULES.includes(name))).toEqual([]);
  });

  it('asks in module.js only: every other file is a plain webpack chunk', () => {
    expect(bundle.foreignFiles).toEqual([]);
  });

  it('reads only router exports that Grafana 13’s routers have', () => {
    const missing = Object.entries(GRAFANA_ROUTERS).flatMap(([module, load]) => {
      const reads = bundle.reads.get(module) ?? [];
      const exported = reads.length ? Object.keys(load()) : [];
      return reads
        .filter((r) => !r.featureDetected && !exported.includes(r.name))
        .map((r) => `${module}: ${r.name}`);
    });
    expect([...new Set(missing)]).toEqual([]);
  });

  it('takes the v6 router API and i18next from Grafana, and bundles react-router-dom v6', () => {
    // Grafana's `react-router-dom` is v5; `react-router` is its v6 API, which the bundled react-router-dom uses.
    expect(bundle.requested).toEqual(expect.arrayContaining(['react-router', 'i18next']));
    expect(bundle.requested).not.toContain('react-router-dom');
  });
});

describe('readBundleImports', () => {
  let dist: string;
  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'bundle-imports-'));
    // The shape webpack's AMD output has, minified: externals as define parameters, modules `id(m){m.exports=p}`.
    writeFileSync(
      join(dist, 'module.js'),
      `define(["react","react-router"],(e,t)=>(()=>{"use strict";var s={11(t){t.exports=e},22(e){e.exports=t}};
      function u(i){return s[i]}u.n=e=>()=>e;
      var a=u(22),r=u(11),i=u.n(r);
      (0,a.useLocation)();a.Routes;i().createElement("div");
      function f(a){return a.notTheRouter}
      "function"==typeof a.useBlocker?(0,a.useBlocker)():null;
      g(r);
      })());`
    );
    writeFileSync(
      join(dist, '7.js'),
      `"use strict";(self.webpackChunkx=self.webpackChunkx||[]).push([[7],{33(e,t,n){var o=n(22);o.Navigate}}]);`
    );
    writeFileSync(join(dist, 'extra.js'), `define(["lodash"],function(l){return l});`);
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('reads the define list, the named reads of each module in every file, and their scopes', () => {
    const found = readBundleImports(dist);
    expect(found.requested).toEqual(['react', 'react-router']);
    const names = (module: string) =>
      (found.reads.get(module) ?? []).map((r) => `${r.file}:${r.name}${r.featureDetected ? '?' : ''}`);
    // `a.notTheRouter` reads a parameter that shadows the router, not the router.
    expect(names('react-router').sort()).toEqual(
      [
        '7.js:Navigate',
        'module.js:Routes',
        'module.js:useBlocker?',
        'module.js:useBlocker?',
        'module.js:useLocation',
      ].sort()
    );
    expect(names('react')).toEqual(['module.js:createElement']);
    expect(found.wholeUses.get('react')).toEqual(['module.js']);
    expect(found.foreignFiles).toEqual(['extra.js']);
  });
});
