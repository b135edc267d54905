/**
 * End to end on a real Loki: events recorded with @auditlens/emitter straight to Loki's /otlp, read through the
 * service's routes (list, facets, stats, export grant, export) and exported to CSV and XLSX mailed to a real
 * SMTP server, every event exactly once, for all four log types. Runs against the real Loki when LOKI_BIN or
 * LOKI_URL is set, against the Loki double otherwise (the output says which). Every request goes as a signed-in
 * user through the plugin proxy of the Grafana double (`@auditlens/testkit`), with ID tokens forwarded as the
 * compose stack has them (`idForwarding`), to the service listening on 127.0.0.1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  APP_JSON_DATA,
  APP_SECURE_JSON_DATA,
  LOG_TYPES,
  PLUGIN_ID,
  LOG_TYPE_SLUGS,
  type AuditRow,
  type ExportGrantResponse,
  type ExportJob,
  type FacetsResponse,
  SUMMARY_LABELS,
  type LogType,
  type LogsResponse,
  type StatsResponse,
} from '@auditlens/contract';
import { createAuditEmitter, type ActivityEvent } from '@auditlens/emitter';
import {
  GrafanaDouble,
  hasRealLoki,
  loadPluginJson,
  lokiForTests,
  type LokiTarget,
  SmtpInbox,
} from '@auditlens/testkit';
import { createApp } from '../../src/app';
import { GrafanaExportPermissions } from '../../src/auth/export-permissions';
import { GrafanaUserDirectory } from '../../src/auth/grafana-users';
import { GrafanaIdTokenVerifier } from '../../src/auth/id-token';
import type { JobStore } from '../../src/exports/store/job-store';
import { SqlJobStore } from '../../src/exports/store/sql-job-store';
import { DirectoryExportFiles } from '../../src/exports/files/directory-export-files';
import { ExportRunner } from '../../src/exports/export-runner';
import { LokiDouble } from '@auditlens/loki/double';
import { HttpLokiClient } from '@auditlens/loki';
import { SmtpMailer } from '../../src/exports/mail/mailer';
import { readZipEntries, sheetRows, type SheetCell } from '../support/xlsx-reader';

const SECRET = 'e2e-shared-secret-0123456789';
const TOKEN = 'glsa_e2e';
// A service name of its own, so a run against a shared Loki (LOKI_URL) sees only its own events.
const SERVICE = `e2e-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
const PER_TYPE = 9;
/** Events of one access burst recorded with one timestamp: more than a page of the reader (4). */
const CROWDED = 7;
const PAGE = 4;

/** Sheet rows as arrays indexed by column (a sheet leaves empty cells out). */
function denseRows(rows: SheetCell[][]): string[][] {
  const column = (ref: string) =>
    [...ref.replace(/\d+$/, '')].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
  return rows.map((cells) => {
    const out: string[] = [];
    for (const c of cells) out[column(c.ref)] = c.value;
    return Array.from(out, (v) => v ?? '');
  });
}

/** Records PER_TYPE events of each type, each summary naming its type and number, and returns the summaries. */
function recordEvents(lokiUrl: string, t0: number): Promise<Record<LogType, string[]>> {
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
  const at = (i: number) => new Date(t0 + i * 1000);
  const crowdedAt = at(PER_TYPE + 1);
  for (let i = 0; i < PER_TYPE; i++) {
    const s = (type: LogType) => {
      const text = `e2e ${type} ${i}`;
      summaries[type].push(text);
      return text;
    };
    audit.activity({
      time: at(i),
      actor: { id: `u${i % 3}`, name: ['jane', 'bob', 'li'][i % 3]!, email: 'admin@acme.test' },
      category: 'SLA policies',
      action: (['create', 'update', 'delete'] as const)[i % 3]!,
      target: { type: 'sla_policy', id: `p${i}`, name: `Gold ${i}` },
      summary: s('activity'),
      changes: { after: { hours: i } },
    } satisfies ActivityEvent);
    audit.access({
      time: at(i),
      user: { id: `u${i % 2}`, name: i % 2 === 0 ? 'bob' : 'jane' },
      action: i % 3 === 0 ? 'login_failed' : 'login',
      portal: 'agent',
      loginSource: 'form',
      ip: `203.0.113.${i}`,
      summary: s('access'),
    });
    audit.webhookFailure({
      time: at(i),
      webhookName: `Hook ${i % 2}`,
      url: 'https://crm.example.test/hook',
      statusCode: 503,
      error: 'Service Unavailable',
      attempt: 1 + (i % 3),
      summary: s('webhook_failure'),
    });
    audit.integrationFailure({
      time: at(i),
      integrationName: 'Salesforce',
      integrationType: 'crm',
      failureType: 'auth_expired',
      details: 'token expired',
      summary: s('integration_failure'),
    });
  }
  for (let i = 0; i < CROWDED; i++) {
    const text = `e2e access crowded ${i}`;
    summaries.access.push(text);
    audit.access({
      time: crowdedAt,
      user: { id: 'u9', name: 'priya' },
      action: 'login',
      portal: 'customer',
      loginSource: 'google',
      ip: '198.51.100.9',
      summary: text,
    });
  }
  return audit.shutdown().then(() => {
    expect(errors).toEqual([]);
    expect(audit.stats()).toMatchObject({
      exported: LOG_TYPES.length * PER_TYPE + CROWDED,
      failed: 0,
      dropped: 0,
    });
    return summaries;
  });
}

describe(`export service end to end (${hasRealLoki() ? 'real Loki' : 'Loki double'})`, () => {
  let target: LokiTarget;
  let fake: LokiDouble | undefined;
  let grafana: GrafanaDouble;
  let server: Server;
  let inbox: SmtpInbox;
  let dataDir: string;
  let store: JobStore;
  let runner: ExportRunner;
  let summaries: Record<LogType, string[]>;
  const t0 = Date.now() - 20 * 60_000;
  const range = { from: String(t0 - 60_000), to: String(Date.now() + 60_000) };

  beforeAll(async () => {
    target = await lokiForTests('export-service end-to-end test (emitter → Loki → routes → CSV/XLSX → SMTP)');
    if (target.kind === 'double') fake = await LokiDouble.start();
    const lokiUrl = target.kind === 'real' ? target.url : fake!.url;
    grafana = await GrafanaDouble.start({
      plugin: loadPluginJson(),
      secureJsonData: { [APP_SECURE_JSON_DATA.sharedSecret]: SECRET },
      idForwarding: true,
      sendUserHeader: true,
      users: [
        { login: 'jane', uid: 'u-jane', email: 'jane@acme.test', name: 'Jane Admin', orgRole: 'Admin' },
      ],
      serviceAccounts: [{ token: TOKEN, orgRole: 'Admin' }],
    });
    inbox = await SmtpInbox.start();
    dataDir = await mkdtemp(join(tmpdir(), 'auditlens-e2e-'));
    store = await SqlJobStore.open({ dialect: 'sqlite', file: join(dataDir, 'jobs.sqlite') });
    const loki = new HttpLokiClient({ url: lokiUrl, timeoutMs: 30_000 });
    const authorizer = new GrafanaExportPermissions({ grafanaUrl: grafana.url, token: TOKEN });
    const app = createApp({
      secret: SECRET,
      loki,
      users: new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: TOKEN }),
      idTokens: new GrafanaIdTokenVerifier({
        grafanaUrl: grafana.url,
        issuer: grafana.issuer,
        org: { orgId: 1 },
      }),
      requireIdToken: true,
      authorizer,
      store,
      files: new DirectoryExportFiles(join(dataDir, 'files')),
      logger: pino({ level: 'silent' }),
      serviceName: SERVICE,
      maxEntries: 5000,
      maxRangeDays: 366,
      // One user walks pages quickly and asks for eight exports at once: fair use is not under test here.
      ratePerSecond: 1000,
      rateBurst: 1000,
      exportLimits: { perUser: 100, dailyRows: 1e9, dailyBytes: 1e12 },
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    grafana.setJsonData({
      [APP_JSON_DATA.exportServiceUrl]: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    runner = new ExportRunner(
      {
        store,
        loki,
        mailer: new SmtpMailer(inbox.url, 'AuditLens <auditlens@acme.test>'),
        recorder: { activity: () => undefined },
        authorizer,
        logger: pino({ level: 'silent' }),
      },
      {
        dataDir,
        grafanaUrl: 'http://grafana.test:3000',
        serviceName: SERVICE,
        pageSize: PAGE,
        readConcurrency: 4,
        maxRows: 10_000,
        attachmentMaxBytes: 10_000_000,
        zipOverBytes: 10_000_000,
        fileTtlHours: 1,
        retry: { attempts: 3, baseDelayMs: 50, maxDelayMs: 200 },
      }
    );
    summaries = await recordEvents(lokiUrl, t0);
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await store?.close();
    await inbox?.stop();
    await grafana?.stop();
    await fake?.stop();
    await target?.release();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Jane's request through Grafana's plugin proxy (her session; Grafana adds the secret and her ID token). */
  async function api<T>(
    method: string,
    path: string,
    query: Record<string, string | number> = {},
    body?: unknown
  ): Promise<{ status: number; body: T }> {
    const qs = new URLSearchParams(
      Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])
    ).toString();
    const res = await fetch(`${grafana.url}/api/plugin-proxy/${PLUGIN_ID}/${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers: {
        ...grafana.sessionFor('jane'),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** Every row of a log type through the list route, newest first, a few at a time. */
  async function listAll(type: LogType): Promise<AuditRow[]> {
    const rows: AuditRow[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const res: { status: number; body: LogsResponse } = await api<LogsResponse>(
        'GET',
        `logs/${LOG_TYPE_SLUGS[type]}`,
        {
          ...range,
          limit: 3,
          ...(cursor ? { cursor } : {}),
        }
      );
      expect(res.status).toBe(200);
      const body: LogsResponse = res.body;
      rows.push(...body.rows);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    return rows;
  }

  it.each([...LOG_TYPES])('lists every %s event once, newest first, through the route', async (type) => {
    const rows = await listAll(type);
    expect(rows.map((r) => r.summary).sort()).toEqual([...summaries[type]].sort());
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    const times = rows.map((r) => BigInt(r.timestamp));
    for (let i = 1; i < times.length; i++) expect(times[i]! <= times[i - 1]!).toBe(true);
  });

  it('counts facets and stats as recorded', async () => {
    const users = await api<FacetsResponse>('GET', 'logs/access/facets', { ...range, field: 'user' });
    expect(users.status).toBe(200);
    expect(users.body.values).toEqual([
      { value: 'priya', count: CROWDED },
      { value: 'bob', count: 5 },
      { value: 'jane', count: 4 },
    ]);
    const stats = await api<StatsResponse>('GET', 'logs/access/stats', { ...range, by: 'action', step: 60 });
    expect(stats.status).toBe(200);
    const totals = Object.fromEntries(
      stats.body.series.map((s) => [s.name, s.points.reduce((n, [, v]) => n + v, 0)])
    );
    expect(totals).toEqual({ login: 6 + CROWDED, login_failed: 3 });
  });

  it('exports each log type to CSV and XLSX by mail, every event exactly once', async () => {
    const jobs: Array<{ type: LogType; format: 'csv' | 'xlsx'; id: string }> = [];
    for (const type of LOG_TYPES) {
      for (const format of ['csv', 'xlsx'] as const) {
        const grant = await api<ExportGrantResponse>('POST', `logs/${LOG_TYPE_SLUGS[type]}/export-grants`);
        expect(grant.status).toBe(200);
        const created = await api<ExportJob>(
          'POST',
          'exports',
          {},
          {
            grant: grant.body.grant,
            from: new Date(Number(range.from)).toISOString(),
            to: new Date(Number(range.to)).toISOString(),
            format,
            timezone: 'Europe/Berlin',
          }
        );
        expect(created.status).toBe(202);
        jobs.push({ type, format, id: created.body.id });
      }
    }
    while (await runner.runOnce()) {
      // one job per turn
    }
    for (const job of jobs) {
      const status = await api<ExportJob>('GET', `exports/${job.id}`);
      expect(status.body).toMatchObject({ status: 'done', rows: summaries[job.type].length, error: null });
    }
    expect(inbox.messages).toHaveLength(jobs.length);
    for (const [i, job] of jobs.entries()) {
      const file = inbox.messages[i]!.attachments[0]!.content;
      const table =
        job.format === 'csv'
          ? (parseCsv(file.toString('utf8').replace(/^\uFEFF/, '')) as string[][])
          : denseRows(sheetRows((await readZipEntries(file)).get('xl/worksheets/sheet1.xml')!));
      const [header, ...rows] = table;
      const summary = header!.indexOf(SUMMARY_LABELS[job.type]);
      const eventId = header!.indexOf('Event ID');
      expect(rows.map((r) => r[summary]).sort()).toEqual([...summaries[job.type]].sort());
      expect(new Set(rows.map((r) => r[eventId])).size).toBe(rows.length);
      expect(rows.every((r) => /^[0-9a-f-]{36}$/.test(r[eventId]!))).toBe(true);
    }
  }, 120_000);
});
