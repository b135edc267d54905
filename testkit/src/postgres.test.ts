import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hasPostgres, postgresBinDir, startPostgres, type PostgresServer } from './postgres';

const run = promisify(execFile);
const maybe = hasPostgres() ? describe : describe.skip;
if (!hasPostgres())
  process.stderr.write(
    '[real-servers] testkit postgres: skipped, no Postgres binaries (apt-get install postgresql)\n'
  );

maybe('startPostgres', () => {
  let pg: PostgresServer | undefined;
  afterAll(async () => {
    await pg?.dispose();
  });

  it('starts a real Postgres on loopback, makes databases, and stops it', async () => {
    pg = await startPostgres('testkit startPostgres');
    expect(pg.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const url = await pg.createDatabase('testkit_check');
    const psql = join(postgresBinDir()!, 'psql');
    const { stdout } = await run(psql, [url, '-tAc', 'SELECT current_database(), version()']);
    expect(stdout).toMatch(/^testkit_check\|PostgreSQL \d+/);
    await expect(pg.createDatabase('not-plain; DROP')).rejects.toThrow(/not a plain database name/);
    const port = pg.port;
    await pg.dispose();
    pg = undefined;
    await expect(
      run(join(postgresBinDir()!, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port)])
    ).rejects.toThrow();
  }, 120_000);
});
