// eslint-scope ships no types; ESLint's own (`Scope` in eslint's lib/types) describe what `analyze` returns.
declare module 'eslint-scope' {
  import type { Scope } from 'eslint';
  import type * as ESTree from 'estree';

  /** The scopes, variables and references of a program (eslint-scope's `analyze`). */
  export function analyze(
    ast: ESTree.Program,
    options?: { ecmaVersion?: number; sourceType?: 'script' | 'module' }
  ): Scope.ScopeManager;
}
