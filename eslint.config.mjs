// One lint setup for the whole repository (flat config).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '.tools/**',
      '**/dist/**',
      '**/coverage/**',
      '**/test-artifacts/**',
      '**/.browser-build/**',
      '**/.bench-build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['grafana-plugin/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['grafana-plugin/test/jest/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: { 'no-redeclare': 'off' },
  },
  {
    // A package's public surface is named one by one (STYLE.md, after sdk-logs' src/index.ts): what it exports
    // is chosen, not whatever a module happens to export.
    files: ['*/src/index.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportAllDeclaration',
          message: 'Name each export of the package (interfaces with `export type`); no `export *`.',
        },
      ],
    },
  },
  {
    // export-service: below the routes, only domain errors (src/domain-errors.ts); HTTP statuses are chosen in
    // src/http/ (errors and their one mapping), by the routes and by the auth middleware, nowhere else. The rest
    // of auth/ (ID tokens, Grafana's users and permissions) throws domain errors like any other module.
    files: ['export-service/src/**/*.ts'],
    ignores: [
      'export-service/src/http/**',
      'export-service/src/auth/shared-secret.ts',
      'export-service/src/auth/canonical-path.ts',
      'export-service/src/auth/resolve-requester.ts',
      'export-service/src/**/routes.ts',
      'export-service/src/app.ts',
      'export-service/src/server.ts',
      'export-service/src/**/*.test.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/http/errors', '**/http/error-handler'],
              message:
                'Below the routes throw the errors of src/domain-errors.ts; src/http maps them to HTTP.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.cjs', '**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  }
);
