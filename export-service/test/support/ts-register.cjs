// Lets `node -r ./test/support/ts-register.cjs src/server.ts` run the service from its TypeScript sources,
// as the fault tests do with a real child process: each .ts file is transpiled on require (no type check;
// `npm run typecheck` does that). Node 24's own type stripping cannot run this code (parameter properties).
const { readFileSync } = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2023,
      esModuleInterop: true,
      sourceMap: false,
      inlineSourceMap: true,
    },
  });
  module._compile(outputText, filename);
};
