import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './repo-files';

// scripts/up.sh, the README's one command: on the first run it writes .env with fresh random secrets, so no secret
// anyone else knows is ever in use. Run here with --env-only (no Docker here), in a copy of the files it reads.

const run = promisify(execFile);
const SECRETS = ['GF_ADMIN_PASSWORD', 'AUDITLENS_SHARED_SECRET', 'OTLP_BEARER_TOKEN', 'POSTGRES_PASSWORD'];

describe('scripts/up.sh (writes .env, then docker compose up)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auditlens-up-'));
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(ROOT, 'scripts/up.sh'), join(dir, 'scripts/up.sh'));
    copyFileSync(join(ROOT, '.env.example'), join(dir, '.env.example'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const up = () =>
    run('sh', [join(dir, 'scripts/up.sh'), '--env-only'], { env: { PATH: process.env['PATH'] } });
  const env = (): Record<string, string> =>
    Object.fromEntries(
      readFileSync(join(dir, '.env'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
    );

  it('writes .env on the first run with a random 256-bit value for every secret, readable by its owner only', async () => {
    const { stdout } = await up();
    const values = SECRETS.map((name) => env()[name]!);
    for (const v of values) expect(v).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(values).size).toBe(SECRETS.length);
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    // The other settings come from .env.example; the output names the login, never a secret.
    expect(env()).toMatchObject({ GF_ADMIN_USER: 'admin', DEMO_RATE: '20' });
    for (const v of values) expect(stdout).not.toContain(v);
    expect(stdout).toContain('user admin, password: GF_ADMIN_PASSWORD in .env');
  });

  it('keeps the secrets of .env on later runs, fills one left empty, and gives each stack its own', async () => {
    await up();
    const first = env();
    writeFileSync(
      join(dir, '.env'),
      readFileSync(join(dir, '.env'), 'utf8').replace(/^OTLP_BEARER_TOKEN=.*$/m, 'OTLP_BEARER_TOKEN=')
    );
    await up();
    const second = env();
    expect(second['AUDITLENS_SHARED_SECRET']).toBe(first['AUDITLENS_SHARED_SECRET']);
    expect(second['OTLP_BEARER_TOKEN']).toMatch(/^[0-9a-f]{64}$/);
    expect(second['OTLP_BEARER_TOKEN']).not.toBe(first['OTLP_BEARER_TOKEN']);
    rmSync(join(dir, '.env'));
    await up();
    expect(env()['AUDITLENS_SHARED_SECRET']).not.toBe(first['AUDITLENS_SHARED_SECRET']);
  });

  it('refuses a placeholder left in .env, naming the variable', async () => {
    writeFileSync(
      join(dir, '.env'),
      readFileSync(join(ROOT, '.env.example'), 'utf8').replace(
        /^AUDITLENS_SHARED_SECRET=$/m,
        'AUDITLENS_SHARED_SECRET=change-me-to-a-long-random-string'
      )
    );
    await expect(up()).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('AUDITLENS_SHARED_SECRET in .env is a placeholder'),
    });
  });
});
