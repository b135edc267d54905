// The pages read kept counts in worker threads started from the file beside their reader
// (src/views/counts/worker-counts-reader.ts), which is TypeScript here: workers (and jest's own worker processes)
// inherit this process's execArgv, so they load it through the same require hook as the service run from its
// sources (test/support/ts-register.cjs).
process.execArgv.push('-r', require.resolve('./test/support/ts-register.cjs'));

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
};
