#!/usr/bin/env node
// auditlens-verify: checks an exported file against its signed manifest, offline.
import { existsSync, readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { ExportManifest } from '@auditlens/contract';
import { ed25519PublicKey } from '../key-ring';
import { checkAgainstManifest, fileDigest } from '../manifest';
import { integritySentence } from '../report-text';

const USAGE = `usage: auditlens-verify <file> <manifest.json> [--public-key <PEM file | base64>] [--json]

Checks that <file> is the export <manifest.json> describes (size, SHA-256) and that the manifest is signed.
Without --public-key the key inside the manifest is used, which proves the manifest is intact, not who signed
it: pin the export service's key (GET exports/signing-key in the app, or the service's log) to prove that.
Exit status: 0 the file matches a validly signed manifest, 1 it does not, 2 usage or unreadable input.`;

/** Parsed command line, or the reason it is wrong. */
export function parseArgs(
  argv: readonly string[]
): { file: string; manifest: string; publicKey?: string; json: boolean } | { error: string } {
  const positional: string[] = [];
  let publicKey: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--public-key') {
      publicKey = argv[++i];
      if (publicKey === undefined) return { error: '--public-key needs a value' };
    } else if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') return { error: '' };
    else if (arg.startsWith('--')) return { error: `unknown option ${arg}` };
    else positional.push(arg);
  }
  if (positional.length !== 2) return { error: 'give the file and its manifest' };
  return { file: positional[0]!, manifest: positional[1]!, publicKey, json };
}

/** Runs the check; returns the exit status. Writes to `out`. */
export async function main(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const args = parseArgs(argv);
  if ('error' in args) {
    if (args.error) out(`auditlens-verify: ${args.error}`);
    out(USAGE);
    return 2;
  }
  let manifest: ExportManifest;
  let key: KeyObject | undefined;
  let digest: { sha256: string; bytes: number };
  try {
    manifest = JSON.parse(readFileSync(args.manifest, 'utf8')) as ExportManifest;
    if (args.publicKey !== undefined) {
      // A file (PEM or base64), or the key itself.
      key = ed25519PublicKey(
        existsSync(args.publicKey) ? readFileSync(args.publicKey, 'utf8') : args.publicKey
      );
    }
    digest = await fileDigest(args.file);
  } catch (error) {
    out(`auditlens-verify: ${(error as Error).message}`);
    return 2;
  }
  const checks = checkAgainstManifest(manifest, digest, key);
  const ok = checks.every((c) => c.ok);
  if (args.json) {
    out(JSON.stringify({ ok, checks, integrity: manifest.integrity?.status ?? null }, null, 2));
    return ok ? 0 : 1;
  }
  for (const c of checks) out(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  if (manifest.export && manifest.integrity) {
    out('');
    out(
      `export ${manifest.export.id}: ${manifest.export.rows} ${manifest.export.logType} rows, ${manifest.export.from} to ${manifest.export.to}` +
        (Object.keys(manifest.export.filters).length
          ? `, filters ${Object.entries(manifest.export.filters)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')}`
          : '')
    );
    out(`the range in Loki when exported: ${integritySentence(manifest.integrity)}`);
    for (const p of manifest.integrity.problems.slice(0, 10)) out(`  - ${p.message}`);
  }
  out(ok ? 'VERIFIED: the file is the one the manifest describes' : 'NOT VERIFIED');
  return ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`auditlens-verify: ${(error as Error).message}\n`);
      process.exit(2);
    }
  );
}
