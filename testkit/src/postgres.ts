import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';
import { announce } from './real-loki';
import { ServerProcess } from './server-process';

const run = promisify(execFile);

/** Where Debian's `postgresql` package puts the server binaries; `PG_BIN_DIR` wins. */
export function postgresBinDir(): string | undefined {
  const given = process.env['PG_BIN_DIR'];
  if (given) return existsSync(join(given, 'postgres')) ? given : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  // The newest installed major version.
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** True when a Postgres server can be started for tests (`apt-get install postgresql`, or `PG_BIN_DIR`). */
export function hasPostgres(): boolean {
  return postgresBinDir() !== undefined;
}

/** A real Postgres started for a test, on 127.0.0.1 with its data in a temporary folder. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: the superuser, trusted on loopback (no password). */
  readonly url: string;
  readonly port: number;
  /** Creates a database and answers its URL, so each suite (or test) gets a clean one. */
  createDatabase(name: string): Promise<string>;
  /** Stops Postgres and deletes its data. */
  dispose(): Promise<void>;
  /** The end of the server's log, for failure messages. */
  logTail(lines?: number): string;
}

/** The numeric uid and gid of `user` from /etc/passwd, if there is one. */
function accountOf(user: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Starts Postgres from Debian's binaries (saying so for `suite` in the `[real-servers]` lines) (`initdb` and `postgres`) in a fresh data folder, listening on a free
 * port of 127.0.0.1 only, with durability off (fsync, synchronous commit) because the data is thrown away.
 * `initdb` and `postgres` refuse to run as root, so as root both run as the `postgres` user. Throws, saying
 * what to install, when the binaries are absent (check {@link hasPostgres} first to skip instead).
 */
export async function startPostgres(suite = 'a test'): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no Postgres: apt-get install -y postgresql, or set PG_BIN_DIR');
  const asRoot = process.getuid?.() === 0;
  const account = asRoot ? accountOf('postgres') : undefined;
  if (asRoot && !account)
    throw new Error('running as root, but there is no postgres user to run Postgres as');
  const dir = mkdtempSync(join(tmpdir(), 'auditlens-postgres-'));
  const dataDir = join(dir, 'data');
  if (account) chownSync(dir, account.uid, account.gid);
  const owner = account ? { uid: account.uid, gid: account.gid } : {};
  await run(
    join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
    owner
  );
  const port = await freePort();
  const server = new ServerProcess({
    name: 'postgres',
    command: join(bin, 'postgres'),
    args: [
      '-D',
      dataDir,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      // Its Unix socket in its own folder: /var/run/postgresql may not be writable, and two servers never meet.
      '-k',
      dir,
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    logFile: join(dir, 'postgres.log'),
    isReady: async () => {
      await run(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-q']);
      return true;
    },
    stopSignal: 'SIGINT',
    ...owner,
  });
  await server.start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  announce(`${suite}: against a real Postgres from ${bin}`);
  return {
    url,
    port,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      await run(join(bin, 'psql'), [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        `CREATE DATABASE ${name}`,
      ]);
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    logTail: (lines = 30) => server.tail(lines),
  };
}
