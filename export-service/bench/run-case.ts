import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { CaseResult, CaseSpec } from './export-case';

/** V8 flags of each case's process; a smaller young generation keeps RSS near the live data, as the Dockerfile runs. */
export const CHILD_FLAGS = (process.env['BENCH_CHILD_FLAGS'] ?? '--max-semi-space-size=4')
  .split(' ')
  .filter(Boolean);

/** Runs one case in a process of its own (`export-case.ts`) and returns what it measured. */
export function runCase(spec: CaseSpec): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'export-case.js'), [JSON.stringify(spec)], {
      stdio: 'inherit',
      execArgv: CHILD_FLAGS,
    });
    child.once('message', (m) => resolve(m as CaseResult));
    child.once('exit', (code) => code !== 0 && reject(new Error(`${spec.kind} case exited with ${code}`)));
  });
}
