import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

/** The repository root. */
export const ROOT = join(__dirname, '..');

/** Every file under `dir` (relative to the root) whose name ends with one of `exts`. */
export function filesUnder(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const name of readdirSync(abs)) {
      const p = join(abs, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (exts.some((e) => name.endsWith(e))) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

/** A YAML file of the repository, parsed; throws with the file name on a syntax error. */
export function readYaml<T = unknown>(path: string): T {
  try {
    return parse(readFileSync(join(ROOT, path), 'utf8')) as T;
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

/** A JSON file of the repository, parsed. */
export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;
}
