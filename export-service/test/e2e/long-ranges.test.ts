/**
 * Ranges longer than Loki's max_query_length (721h by default) on a real Loki with its default query limits:
 * a 40-day export, 40-day lists and facets, 366-day stats, and Loki's own refusal reaching the user as a 400.
 *
 * The events are spread over 40 days, so the Loki is started from LOKI_BIN with settings that only make such test
 * data possible: `reject_old_samples: false` (Loki refuses samples older than 168h by default),
 * `querier.query_ingesters_within: 0` (queriers otherwise ask ingesters only for the last 3h) and
 * `ingester.flush_check_period: 1s`: on Loki 3.7.6 these old entries are read back only once their chunk (which
 * spans more than max_chunk_age, 2h) is flushed, at the next flush check (30s by default); the suite waits for
 * that. Loki accepts an entry older than its stream's newest only within max_chunk_age / 2 (1h) of it ("entry too
 * far behind"), so the events are recorded oldest first. max_query_length stays at its default.
 * With LOKI_URL alone (a Loki someone else runs, which would refuse old samples) the suite is skipped; with
 * neither variable it runs against the Loki double. The output says which.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Express } from 'express';
import {
  LOG_TYPES,
  LOG_TYPE_SLUGS,
  type AuditRow,
  SUMMARY_LABELS,
  type LogType,
  type LogsResponse,
  type StatsResponse,
} from '@auditlens/contract';
import { createAuditEmitter } from '@auditlens/emitter';
import { announce, startLoki, type LokiServer, SmtpInbox } from '@auditlens/testkit';
import { createApp } from '../../src/app';
import type { GrafanaDouble } from '@auditlens/testkit';
import { startTestGrafana } from '../support/grafana';
import { GrafanaUserDirectory } from '../../src/auth/grafana-users';
import type { JobStore } from '../../src/exports/store/job-store';
import { SqlJobStore } from '../../src/exports/store/sql-job-store';
import { DirectoryExportFiles } from '../../src/exports/files/directory-export-files';
import { ExportRunner } from '../../src/exports/export-runner';
import { LokiDouble } from '@auditlens/loki/double';
import { HttpLokiClient } from '@auditlens/loki';
import { SmtpMailer } from '../../src/exports/mail/mailer';

const SUITE = 'export-service long-range test (40-day export, 366-day stats)';
const mode = process.env['LOKI_BIN'] ? 'real' : process.env['LOKI_URL'] ? 'skipped' : 'double';
if (mode === 'skipped')
  announce(`${SUITE}: skipped (needs LOKI_BIN to start a Loki that takes 40-day-old samples)`);

const SECRET = 'long-range-secret-0123456789';
const TOKEN = 'glsa_long';
const SERVICE = `long-${Date.now().toString(36)}`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const as = { 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': 'jane' };

/** Every 11 hours over the 40 days before `now`, one event of each type; five access events share one ns. */
async function recordEvents(lokiUrl: string, now: number): Promise<Record<LogType, string[]>> {
  const errors: string[] = [];
  const audit = createAuditEmitter({
    serviceName: SERVICE,
    endpoint: `${lokiUrl}/otlp`,
    scheduledDelayMillis: 50,
    onError: (e) => errors.push(`${e.message}: ${String(e.cause)}`),
  });
  const summaries: Record<LogType, string[]> = {
    activity: [],
    access: [],
    webhook_failure: [],
    integration_failure: [],
  };
  const crowded = new Date(now - 35 * DAY + 30 * 60_000);
  for (let t = now - 40 * DAY + 60_000, i = 0; t < now - 60_000; t += 11 * HOUR, i++) {
    const time = new Date(t);
    const s = (type: LogType) => {
      summaries[type].push(`${type} ${i}`);
      return `${type} ${i}`;
    };
    audit.activity({
      time,
      actor: { id: 'u1', name: 'jane' },
      category: 'Roles and permissions',
      action: 'update',
      target: { type: 'role', id: `r${i}` },
      summary: s('activity'),
    });
    audit.access({
      time,
      user: { id: `u${i % 2}`, name: i % 2 === 0 ? 'bob' : 'jane' },
      action: i % 4 === 0 ? 'login_failed' : 'login',
      portal: 'agent',
      loginSource: 'form',
      ip: '203.0.113.7',
      summary: s('access'),
    });
    audit.webhookFailure({
      time,
      webhookName: 'CRM',
      url: 'https://crm.test/h',
      error: '503',
      summary: s('webhook_failure'),
    });
    audit.integrationFailure({
      time,
      integrationName: 'Slack',
      integrationType: 'chat',
      failureType: 'timeout',
      details: 'no answer',
      summary: s('integration_failure'),
    });
    if (t < crowded.getTime() && t + 11 * HOUR >= crowded.getTime()) {
      for (let k = 0; k < 5; k++) {
        summaries.access.push(`access crowded ${k}`);
        audit.access({
          time: crowded,
          user: { id: 'u7', name: 'priya' },
          action: 'logout',
          portal: 'customer',
          loginSource: 'saml',
          ip: '198.51.100.4',
          summary: `access crowded ${k}`,
        });
      }
    }
  }
  await audit.shutdown();
  expect(errors).toEqual([]);
  expect(audit.stats().failed).toBe(0);
  return summaries;
}

/**
 * Every event of the suite's service that log queries read back, in 20-day windows. (An instant count is no
 * sign: on Loki 3.7.6 it counts these old entries before they are flushed, while log queries do not see them.)
 */
async function countAll(lokiUrl: string, now: number): Promise<number> {
  let total = 0;
  for (let end = now; end > now - 40 * DAY; end -= 20 * DAY) {
    const q = new URLSearchParams({
      query: `{service_name="${SERVICE}"}`,
      start: `${end - 20 * DAY}000000`,
      end: `${end}000000`,
      limit: '5000',
    });
    const res = await fetch(`${lokiUrl}/loki/api/v1/query_range?${q}`);
    const body = (await res.json()) as { data: { result: Array<{ values: unknown[] }> } };
    total += body.data.result.reduce((n, s) => n + s.values.length, 0);
  }
  return total;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the events did not become readable in time');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

(mode === 'skipped' ? describe.skip : describe)(
  `ranges longer than Loki's max_query_length (${mode === 'real' ? 'real Loki' : 'Loki double'})`,
  () => {
    let server: LokiServer | undefined;
    let fake: LokiDouble | undefined;
    let lokiUrl: string;
    let grafana: GrafanaDouble;
    let inbox: SmtpInbox;
    let dataDir: string;
    let store: JobStore;
    let summaries: Record<LogType, string[]>;
    const now = Date.now();
    const forty = { from: String(now - 40 * DAY), to: String(now) };
    const year = { from: String(now - 366 * DAY), to: String(now) };

    /** The app and its runner, told Loki's max_query_length (the default, 721h) or `maxQueryLengthNs`. */
    function service(maxQueryLengthNs?: bigint): { app: Express; runner: ExportRunner } {
      const loki = new HttpLokiClient({ url: lokiUrl, timeoutMs: 60_000 });
      const logger = pino({ level: 'silent' });
      const app = createApp({
        secret: SECRET,
        loki,
        users: new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: TOKEN }),
        store,
        files: new DirectoryExportFiles(join(dataDir, 'files')),
        logger,
        serviceName: SERVICE,
        maxEntries: 5000,
        maxRangeDays: 366,
        maxQueryLengthNs,
      });
      const runner = new ExportRunner(
        {
          store,
          loki,
          mailer: new SmtpMailer(inbox.url, 'AuditLens <auditlens@acme.test>'),
          recorder: { activity: () => undefined },
          logger,
        },
        {
          dataDir,
          grafanaUrl: 'http://grafana.test:3000',
          serviceName: SERVICE,
          maxQueryLengthNs,
          maxRows: 100_000,
          attachmentMaxBytes: 10_000_000,
          zipOverBytes: 10_000_000,
          fileTtlHours: 1,
          retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 100 },
        }
      );
      return { app, runner };
    }

    async function exportCsv(svc: { app: Express; runner: ExportRunner }, type: LogType, range: object) {
      const grant = await request(svc.app).post(`/api/v1/logs/${LOG_TYPE_SLUGS[type]}/export-grants`).set(as);
      const created = await request(svc.app)
        .post('/api/v1/exports')
        .set(as)
        .send({ grant: grant.body.grant, ...range, format: 'csv', timezone: 'UTC' });
      expect(created.status).toBe(202);
      while (await svc.runner.runOnce()) {
        // one job per turn
      }
      return (await request(svc.app).get(`/api/v1/exports/${created.body.id}`).set(as)).body as {
        status: string;
        rows: number;
        error: string | null;
      };
    }

    beforeAll(async () => {
      if (mode === 'real') {
        server = await startLoki({
          overrides: {
            limits_config: { reject_old_samples: false, max_query_length: '721h' },
            querier: { query_ingesters_within: 0 },
            ingester: { flush_check_period: '1s' },
          },
        });
        lokiUrl = server.url;
        announce(
          `${SUITE}: against a real Loki 3.7.6 started from LOKI_BIN at ${lokiUrl}, default query limits`
        );
      } else {
        fake = await LokiDouble.start();
        lokiUrl = fake.url;
        announce(`${SUITE}: against the Loki double (neither LOKI_BIN nor LOKI_URL is set)`);
      }
      grafana = await startTestGrafana(
        [{ login: 'jane', email: 'jane@acme.test', name: 'Jane Admin' }],
        TOKEN
      );
      inbox = await SmtpInbox.start();
      dataDir = await mkdtemp(join(tmpdir(), 'auditlens-long-'));
      store = await SqlJobStore.open({ dialect: 'sqlite', file: join(dataDir, 'jobs.sqlite') });
      summaries = await recordEvents(lokiUrl, now);
      const total = LOG_TYPES.reduce((n, t) => n + summaries[t].length, 0);
      await waitUntil(async () => (await countAll(lokiUrl, now)) === total, 120_000);
    }, 180_000);

    afterAll(async () => {
      await store?.close();
      await inbox?.stop();
      await grafana?.stop();
      await fake?.stop();
      await server?.dispose();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    });

    it('exports 40 days of each log type by mail, every event exactly once', async () => {
      const svc = service();
      for (const type of LOG_TYPES) {
        const job = await exportCsv(svc, type, forty);
        expect(job).toMatchObject({ status: 'done', rows: summaries[type].length, error: null });
        const [header, ...rows] = parseCsv(
          inbox.messages
            .at(-1)!
            .attachments[0]!.content.toString('utf8')
            .replace(/^\uFEFF/, '')
        ) as string[][];
        const summary = header!.indexOf(SUMMARY_LABELS[type]);
        expect(rows.map((r) => r[summary]).sort()).toEqual([...summaries[type]].sort());
        expect(new Set(rows.map((r) => r[header!.indexOf('Event ID')])).size).toBe(rows.length);
      }
    }, 300_000);

    it('lists and counts 40 days through the routes', async () => {
      const { app } = service();
      const rows: AuditRow[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const res: request.Response = await request(app)
          .get('/api/v1/logs/access')
          .query({ ...forty, limit: 25, ...(cursor ? { cursor } : {}) })
          .set(as);
        expect(res.status).toBe(200);
        rows.push(...(res.body as LogsResponse).rows);
        cursor = (res.body as LogsResponse).nextCursor;
        if (!cursor) break;
      }
      expect(rows.map((r) => r.summary).sort()).toEqual([...summaries.access].sort());
      const facets = await request(app)
        .get('/api/v1/logs/access/facets')
        .query({ ...forty, field: 'user' })
        .set(as);
      const bob = summaries.access.filter((s) => /^access \d+$/.test(s) && Number(s.split(' ')[1]) % 2 === 0);
      expect(facets.body.values).toEqual(
        expect.arrayContaining([
          { value: 'bob', count: bob.length },
          { value: 'priya', count: 5 },
        ])
      );
    }, 120_000);

    it('answers stats over 366 days within 11,000 points per series, and refuses a too small step', async () => {
      const { app } = service();
      for (const type of LOG_TYPES) {
        const res = await request(app)
          .get(`/api/v1/logs/${LOG_TYPE_SLUGS[type]}/stats`)
          .query({ ...year, by: 'outcome' })
          .set(as);
        expect(res.status).toBe(200);
        const body = res.body as StatsResponse;
        expect(body.step).toBe(Math.ceil((366 * 86_400) / 120));
        const total = body.series.reduce((n, s) => n + s.points.reduce((m, [, v]) => m + v, 0), 0);
        expect(total).toBe(summaries[type].length);
      }
      const finest = await request(app)
        .get('/api/v1/logs/access/stats')
        .query({ ...year, step: 2876 })
        .set(as);
      expect(finest.status).toBe(200);
      const points = (finest.body as StatsResponse).series.flatMap((s) => s.points);
      expect(points.reduce((n, [, v]) => n + v, 0)).toBe(summaries.access.length);
      const tooFine = await request(app)
        .get('/api/v1/logs/access/stats')
        .query({ ...year, step: 60 })
        .set(as);
      expect(tooFine.status).toBe(400);
      expect(tooFine.body.issues[0].field).toBe('step');
    }, 120_000);

    it("turns Loki's own refusal into a 400 with Loki's reason, and a failed export saying it", async () => {
      // A service told the wrong limit: no windows, so Loki sees the whole 40 days of an export at once. A list
      // reads the newest five minutes first and grows (each window three times all before it): over 60 days its
      // page is not full after 341 h 20 min, and the next window, 1024 hours, is more than Loki takes.
      const svc = service(0n);
      const sixty = { from: String(now - 60 * DAY), to: String(now) };
      const list = await request(svc.app).get('/api/v1/logs/access').query(sixty).set(as);
      expect(list.status).toBe(400);
      expect(list.body.error).toMatch(
        /^Loki rejected the query: Loki answered 400: the query time range exceeds the limit \(query length: 1024h0m0s, limit: 30d1h\)$/
      );
      const job = await exportCsv(svc, 'access', forty);
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(
        /^Loki rejected the query: Loki answered 400: the query time range exceeds the limit/
      );
    }, 120_000);
  }
);
