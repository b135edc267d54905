/**
 * High availability: two export service processes on one real Postgres (`@auditlens/testkit` startPostgres) and
 * one shared export folder, as two replicas behind Grafana's proxy. Exports created on either are done exactly
 * once and visible from both, downloads are served by either, and a replica killed (SIGKILL) mid-export has its
 * job taken over by the other once the lease runs out, the file holding every event once.
 * Runs against the real Loki when LOKI_BIN or LOKI_URL is set, else against the Loki double; skipped, saying so,
 * without Postgres binaries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { ExportJob } from '@auditlens/contract';
import {
  announce,
  type GrafanaDouble,
  hasPostgres,
  lokiForTests,
  type LokiTarget,
  type PostgresServer,
  SmtpInbox,
  startPostgres,
  waitFor,
} from '@auditlens/testkit';
import { LokiDouble } from '@auditlens/loki/double';
import {
  accessEvents,
  pushAccessEvents,
  waitUntilQueryable,
  type AccessEvent,
} from '../support/audit-events';
import { startTestGrafana } from '../support/grafana';
import { eventIdsOf, ServiceClient } from '../support/service-client';
import { ServiceProcess } from '../support/service-process';

const RUN = `ha-${Date.now()}`;
const USERS = ['jane', 'omar', 'li', 'bob'];
const SMALL = 2000;
const LARGE = 20_000;
const LEASE_SECONDS = 5;

const maybe = hasPostgres() ? describe : describe.skip;
if (!hasPostgres())
  announce(
    'export-service HA test (two replicas on Postgres): skipped, no Postgres binaries (apt-get install postgresql)'
  );

/** The job rows as Postgres holds them, for what the API does not show (attempts, the lease's holder). */
async function jobRows(db: Client): Promise<
  Array<{
    id: string;
    uid: string;
    status: string;
    attempts: number;
    rows: string;
    lease_owner: string | null;
  }>
> {
  return (await db.query('SELECT id, uid, status, attempts, rows, lease_owner FROM export_jobs')).rows;
}

/** The pid in a lease (`<host>:<pid>:<process>:<claim>`). */
const pidOf = (lease: string): number => Number(lease.split(':')[1]);

maybe('two export service replicas on one Postgres', () => {
  let target: LokiTarget;
  let lokiDouble: LokiDouble | undefined;
  let lokiUrl: string;
  let grafana: GrafanaDouble;
  let inbox: SmtpInbox;
  let pg: PostgresServer;
  let db: Client;
  let filesDir: string;
  const replicas: ServiceProcess[] = [];
  let small: AccessEvent[];
  let large: AccessEvent[];
  const now = Date.now();
  // Two runs of events, told apart by their service name.
  const smallService = `${RUN}-small`;
  const largeService = `${RUN}-large`;

  beforeAll(async () => {
    target = await lokiForTests('export-service HA test: two replicas on Postgres');
    if (target.kind === 'real') lokiUrl = target.url;
    else {
      lokiDouble = await LokiDouble.start();
      lokiUrl = lokiDouble.url;
    }
    small = accessEvents(SMALL, now - 30 * 60_000, now - 60_000, USERS);
    large = accessEvents(LARGE, now - 30 * 60_000, now - 60_000, USERS);
    await pushAccessEvents(lokiUrl, smallService, small);
    await pushAccessEvents(lokiUrl, largeService, large);
    if (target.kind === 'real') {
      await waitUntilQueryable(lokiUrl, smallService, now - 30 * 60_000, now, SMALL);
      await waitUntilQueryable(lokiUrl, largeService, now - 30 * 60_000, now, LARGE);
    }
    grafana = await startTestGrafana(
      USERS.map((login) => ({ login, email: `${login}@acme.test`, name: login }))
    );
    inbox = await SmtpInbox.start();
    pg = await startPostgres('export-service HA test (two replicas)');
    const databaseUrl = await pg.createDatabase('auditlens_ha');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
    filesDir = mkdtempSync(join(tmpdir(), 'auditlens-shared-files-'));
  }, 240_000);

  afterAll(async () => {
    for (const r of replicas) await r.dispose();
    await db?.end();
    await pg?.dispose();
    await inbox?.stop();
    await grafana?.stop();
    await lokiDouble?.stop();
    await target?.release();
    if (filesDir) rmSync(filesDir, { recursive: true, force: true });
  });

  /** Starts the two replicas, each with its own DATA_DIR and port, on the same Postgres and export folder. */
  async function startReplicas(serviceName: string): Promise<[ServiceProcess, ServiceProcess]> {
    for (const r of replicas.splice(0)) await r.dispose();
    const env = {
      LOKI_URL: lokiUrl,
      LOKI_SERVICE_NAME: serviceName,
      LOKI_MAX_ENTRIES: '500',
      GRAFANA_URL: grafana.url,
      SMTP_URL: inbox.url,
      DATABASE_URL: await databaseUrlOf(db),
      EXPORT_FILES_DIR: filesDir,
      EXPORT_LEASE_SECONDS: String(LEASE_SECONDS),
      EXPORTS_PER_USER: '20',
      ATTACHMENT_MAX_BYTES: String(1024 ** 3),
    };
    const [a, b] = await Promise.all([ServiceProcess.start(env), ServiceProcess.start(env)]);
    replicas.push(a, b);
    return [a, b];
  }

  it('does 20 exports created on both replicas exactly once, each visible from both, downloads from either', async () => {
    const [a, b] = await startReplicas(smallService);
    const apis = [new ServiceClient(a.url), new ServiceClient(b.url)];
    const order = { from: new Date(now - 40 * 60_000).toISOString(), to: new Date(now).toISOString() };
    // Watch Postgres meanwhile: who holds what, and how many of one user's jobs run at once (at most one).
    const holders = new Set<number>();
    let mostRunningOfOneUser = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const rows = await jobRows(db);
        const running = new Map<string, number>();
        for (const r of rows.filter((row) => row.status === 'running')) {
          running.set(r.uid, (running.get(r.uid) ?? 0) + 1);
          if (r.lease_owner) holders.add(pidOf(r.lease_owner));
        }
        mostRunningOfOneUser = Math.max(mostRunningOfOneUser, ...running.values(), 0);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const jobs: Array<{ login: string; job: ExportJob }> = [];
    for (let i = 0; i < 20; i++) {
      const login = USERS[i % USERS.length]!;
      jobs.push({ login, job: await apis[i % 2]!.createExport(login, { ...order, format: 'csv' }) });
    }
    try {
      for (const { login, job } of jobs)
        await apis[0]!.waitForJob(
          login,
          job.id,
          (j) => j.status === 'done' || j.status === 'failed',
          240_000
        );
    } finally {
      watching = false;
      await watcher;
    }
    for (const { login, job } of jobs) {
      const [fromA, fromB] = await Promise.all(apis.map((api) => api.job(login, job.id)));
      expect(fromA).toMatchObject({
        id: job.id,
        status: 'done',
        rows: SMALL,
        error: null,
        downloadable: true,
      });
      expect(fromB).toEqual(fromA);
    }
    // Each export claimed once and mailed once, with every event once.
    expect((await jobRows(db)).map((r) => r.attempts)).toEqual(Array(20).fill(1));
    await waitFor(() => inbox.messages.length >= 20, 'the 20 mails');
    expect(inbox.messages).toHaveLength(20);
    const mailed = inbox.messages.map(
      (m) => /^auditlens-access-([0-9a-f]{8})\.csv/.exec(m.attachments[0]!.filename!)?.[1]
    );
    expect(mailed.sort()).toEqual(jobs.map(({ job }) => job.id.slice(0, 8)).sort());
    const all = new Set(small.map((e) => e.id));
    for (const mail of inbox.messages) {
      const ids = await eventIdsOf(mail);
      expect(ids).toHaveLength(SMALL);
      expect(new Set(ids)).toEqual(all);
    }
    // Both replicas worked, never two exports of one user at once between them.
    expect([...holders].sort()).toEqual([a.pid, b.pid].sort());
    expect(mostRunningOfOneUser).toBe(1);
    // Either replica serves any file, whoever wrote it.
    for (const { login, job } of jobs.slice(0, 4)) {
      const bodies = await Promise.all(
        [a, b].map(async (r) => {
          const res = await fetch(`${r.url}/api/v1/exports/${job.id}/file`, {
            headers: ServiceClient.headers(login),
          });
          expect(res.status).toBe(200);
          return res.text();
        })
      );
      expect(bodies[1]).toBe(bodies[0]);
      expect([...bodies[0]!.matchAll(/,([0-9a-f-]{36})\r\n/g)].map((m) => m[1])).toHaveLength(SMALL);
    }
    inbox.messages.length = 0;
  }, 600_000);

  it('hands a job of a replica killed mid-export to the other once the lease runs out: one mail, every event once', async () => {
    const [a, b] = await startReplicas(largeService);
    const api = new ServiceClient(a.url);
    const job = await api.createExport('jane', {
      from: new Date(now - 40 * 60_000).toISOString(),
      to: new Date(now).toISOString(),
      format: 'csv',
    });
    // Whichever replica claimed it is killed while it writes.
    let holder = 0;
    await waitFor(
      async () => {
        const row = (await jobRows(db)).find((r) => r.id === job.id);
        if (row?.status === 'running' && row.lease_owner && Number(row.rows) > 0)
          holder = pidOf(row.lease_owner);
        return holder !== 0;
      },
      'the export to be written',
      120_000
    );
    const [killed, survivor] = holder === a.pid ? [a, b] : [b, a];
    expect(holder).toBe(killed.pid);
    await killed.kill();
    expect(inbox.messages).toHaveLength(0);
    expect((await readdir(filesDir)).some((f) => f.startsWith(`${job.id}.`) && f.endsWith('.part'))).toBe(
      true
    );

    const done = await new ServiceClient(survivor.url).waitForJob(
      'jane',
      job.id,
      (j) => j.status === 'done' || j.status === 'failed',
      240_000
    );
    expect(done).toMatchObject({ status: 'done', rows: LARGE, error: null });
    const row = (await jobRows(db)).find((r) => r.id === job.id)!;
    expect(row.attempts).toBe(2);
    await waitFor(() => inbox.messages.length >= 1, 'the mail');
    expect(inbox.messages).toHaveLength(1);
    const ids = await eventIdsOf(inbox.messages[0]!);
    expect(ids).toHaveLength(LARGE);
    expect(new Set(ids)).toEqual(new Set(large.map((e) => e.id)));
    // The killed attempt's partial file is gone; the file, its zip and its manifest are what is left of the job.
    expect((await readdir(filesDir)).filter((f) => f.startsWith(`${job.id}.`)).sort()).toEqual([
      `${job.id}.csv`,
      `${job.id}.csv.zip`,
      `${job.id}.manifest.json`,
    ]);
    // The survivor serves the download.
    const res = await fetch(`${survivor.url}/api/v1/exports/${job.id}/file`, {
      headers: ServiceClient.headers('jane'),
    });
    expect(res.status).toBe(200);
    expect([...(await res.text()).matchAll(/,([0-9a-f-]{36})\r\n/g)]).toHaveLength(LARGE);
  }, 600_000);
});

/** The URL the test's own connection uses, for the replicas. */
async function databaseUrlOf(db: Client): Promise<string> {
  const { rows } = await db.query<{ db: string; port: number }>(
    "SELECT current_database() AS db, current_setting('port')::int AS port"
  );
  return `postgres://postgres@127.0.0.1:${rows[0]!.port}/${rows[0]!.db}`;
}
