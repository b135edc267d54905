// Two projects: plain unit tests in node, and React pages in jsdom with @grafana/ui and scenes loaded for
// real. ESM-only dependencies of @grafana/ui are transformed by swc, which keeps a cold run fast.
const { readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');

/** Packages in the root node_modules that ship only ES modules (jest 29 loads CommonJS), found once. */
function esModulePackages() {
  const root = path.join(__dirname, '..', 'node_modules');
  const names = [];
  for (const entry of readdirSync(root)) {
    const scoped = entry.startsWith('@')
      ? readdirSync(path.join(root, entry)).map((n) => `${entry}/${n}`)
      : [entry];
    for (const name of scoped) {
      try {
        const pkg = JSON.parse(readFileSync(path.join(root, name, 'package.json'), 'utf8'));
        if (pkg.type === 'module' || (pkg.module && !pkg.main)) names.push(name);
      } catch {
        // not a package (e.g. .bin)
      }
    }
  }
  return names.map((n) => n.replace(/[.]/g, '\\.'));
}
const esmDependencies = [...esModulePackages(), 'd3-[a-z-]+', 'rxjs'];

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'automatic' } },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

/** @type {import('jest').Config} */
module.exports = {
  // Typing into Grafana's inputs under jsdom is slow on a busy 2-core machine (20 s ran out under load); this is no
  // timing assertion, only how long a hung test may take to fail.
  testTimeout: 60_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.tsx?$': swc },
      testMatch: [
        '<rootDir>/src/**/*.test.ts',
        '<rootDir>/test/*.test.ts',
        '<rootDir>/test/browser/*.test.ts',
      ],
    },
    {
      displayName: 'pages',
      testEnvironment: 'jsdom',
      transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.m?js$': swc },
      transformIgnorePatterns: [`node_modules/(?!(${esmDependencies.join('|')})/)`],
      moduleNameMapper: { '\\.(css|scss)$': '<rootDir>/test/jest/style-stub.js' },
      setupFiles: ['<rootDir>/test/jest/jsdom-gaps.js'],
      setupFilesAfterEnv: ['<rootDir>/test/jest/after-env.ts'],
      testMatch: ['<rootDir>/src/**/*.test.tsx'],
    },
  ],
};
