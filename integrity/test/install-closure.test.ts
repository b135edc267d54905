// Auditors install `auditlens-verify` from this package: what it brings must stop at the contract and the Loki
// types, never the service's server dependencies. Read from the repository's lockfile (what `npm ci` installs)
// and from this package's own imports (what it needs at run time).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockPackage {
  readonly name?: string;
  readonly dependencies?: Record<string, string>;
  readonly link?: boolean;
  readonly resolved?: string;
}

const repoRoot = join(__dirname, '..', '..');
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockPackage>;
};

/** Finds the lockfile entry npm installs for `name` as seen from the package at `from` (Node's lookup order). */
function resolveInstalled(name: string, from: string): string {
  for (
    let dir = from;
    ;
    dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : ''
  ) {
    const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    const entry = lock.packages[key];
    if (entry) return entry.link && entry.resolved ? entry.resolved : key;
    if (!dir) throw new Error(`${name} (needed by ${from || 'the root'}) is not in package-lock.json`);
  }
}

/** Every package name installed with the workspace at `workspace`, transitively (its runtime dependencies). */
function installClosure(workspace: string): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  const queue = [workspace];
  while (queue.length > 0) {
    const at = queue.pop()!;
    if (seen.has(at)) continue;
    seen.add(at);
    for (const dep of Object.keys(lock.packages[at]?.dependencies ?? {})) {
      names.add(dep);
      queue.push(resolveInstalled(dep, at));
    }
  }
  return names;
}

const SERVER_DEPENDENCIES = ['express', 'pg', '@aws-sdk/client-s3', 'yazl', 'nodemailer', 'pino', 'zod'];

describe('installing @auditlens/integrity (the auditlens-verify CLI)', () => {
  it('brings only the contract and the Loki client types, nothing of the server', () => {
    const closure = installClosure('integrity');
    expect([...closure].sort()).toEqual(['@auditlens/contract', '@auditlens/loki']);
    for (const server of SERVER_DEPENDENCIES) expect(closure.has(server)).toBe(false);
  });

  it('is measured the same way that finds the server dependencies of the export service', () => {
    const closure = installClosure('export-service');
    for (const server of SERVER_DEPENDENCIES) expect(closure.has(server)).toBe(true);
    expect(closure.has('@auditlens/integrity')).toBe(true);
  });

  it("imports at run time only Node's built-ins, the contract, the Loki client and its own modules", () => {
    const sources = (readdirSync(join(__dirname, '..', 'src'), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => readFileSync(join(__dirname, '..', 'src', file), 'utf8'));
    const specifiers = sources.flatMap((text) =>
      [...text.matchAll(/^import (?!type )[^;]*? from '([^']+)'/gms)].map((match) => match[1]!)
    );
    expect(specifiers.length).toBeGreaterThan(10);
    const outside = specifiers.filter(
      (spec) => !spec.startsWith('node:') && !spec.startsWith('.') && spec !== '@auditlens/contract'
    );
    expect(outside).toEqual([]);
  });
});
