import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual, promisify } from 'node:util';
import { ROOT } from './repo-files';

/** The app plugin's build output, the folder Grafana loads. */
export const PLUGIN_DIST = join(ROOT, 'grafana-plugin', 'dist');

const run = promisify(execFile);

/** Why dist/ does not match its sources (plugin.json and the generated dashboards), or undefined when it does. */
function staleness(): string | undefined {
  if (!existsSync(join(PLUGIN_DIST, 'module.js'))) return 'no dist/module.js';
  const source = JSON.parse(readFileSync(join(ROOT, 'grafana-plugin/src/plugin.json'), 'utf8')) as {
    info: Record<string, unknown>;
  };
  const built = JSON.parse(readFileSync(join(PLUGIN_DIST, 'plugin.json'), 'utf8')) as typeof source;
  const unversioned = { ...built, info: { ...built.info, version: '%VERSION%', updated: '%TODAY%' } };
  if (!isDeepStrictEqual(unversioned, source)) return 'dist/plugin.json differs from src/plugin.json';
  const generated = readdirSync(join(ROOT, 'dashboards/json')).sort();
  const shipped = existsSync(join(PLUGIN_DIST, 'dashboards'))
    ? readdirSync(join(PLUGIN_DIST, 'dashboards'))
    : [];
  if (!isDeepStrictEqual(shipped.sort(), generated)) return 'dist/dashboards/ differs from dashboards/json/';
  for (const f of generated) {
    const a = readFileSync(join(ROOT, 'dashboards/json', f), 'utf8');
    if (a !== readFileSync(join(PLUGIN_DIST, 'dashboards', f), 'utf8'))
      return `dist/dashboards/${f} is stale`;
  }
  return undefined;
}

// Test files run in parallel workers: one builds while the others wait. A lock left by a killed run expires.
const LOCK = join(tmpdir(), `auditlens-plugin-build-${Buffer.from(ROOT).toString('hex').slice(-24)}.lock`);
const LOCK_EXPIRY_MS = 15 * 60_000;

async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > LOCK_EXPIRY_MS)
        rmSync(LOCK, { recursive: true });
      await sleep(500);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * The built plugin folder, current with plugin.json and the generated dashboards: `npm test` builds it in the
 * grafana-plugin workspace first; a run of these tests alone builds it here when it is missing or stale.
 */
export async function builtPlugin(): Promise<string> {
  return withBuildLock(async () => {
    const why = staleness();
    if (why) {
      console.log(`[plugin-dist] ${why}: npm run build -w grafana-plugin`);
      await run('npm', ['run', 'build', '-w', 'grafana-plugin'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
      const still = staleness();
      if (still) throw new Error(`grafana-plugin/dist after a build: ${still}`);
    }
    return PLUGIN_DIST;
  });
}
