import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import type { ActivityEvent } from '@auditlens/emitter';
import request from 'supertest';
import { SmtpInbox, waitFor } from '@auditlens/testkit';
import { startHarness, SECRET, type Harness } from '../../test/support/harness';
import { excelSerialToIso, readZipEntries, sheetRows } from '../../test/support/xlsx-reader';
import { SmtpMailer, type Mailer } from './mail/mailer';
import { UpstreamError } from '../http/errors';
import { diskWithRoom } from '../../test/support/full-disk';
import { ExportRunner, type ExportRunnerDeps, type ExportRunnerOptions } from './export-runner';
import type { SeedEntry } from '@auditlens/loki/double';
import type { LokiClient } from '@auditlens/loki';
import type { NewExport } from './store/job-store';
import { SqlJobStore } from './store/sql-job-store';

const T = Date.parse('2026-11-20T10:00:00Z');
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const jane = { uid: 'u-jane', login: 'jane', email: 'jane@acme.test', name: 'Jane Admin' };

function accessEntry(tsNs: bigint, i: number, md: Record<string, string> = {}): SeedEntry {
  return {
    ts: tsNs,
    line: `bob logged in (${i})`,
    labels: { service_name: 'helpdesk', audit_log_type: 'access' },
    metadata: {
      audit_event_id: `id-${String(i).padStart(4, '0')}`,
      user_name: 'bob',
      user_email: 'bob@acme.test',
      client_address: '203.0.113.7',
      audit_action: 'login',
      audit_brand: 'Acme',
      audit_portal: 'agent',
      audit_login_source: 'google',
      user_agent_original: 'Mozilla/5.0',
      audit_outcome: 'success',
      ...md,
    },
  };
}

describe('ExportRunner', () => {
  let h: Harness;
  let inbox: SmtpInbox;
  let recorded: ActivityEvent[];

  beforeEach(async () => {
    h = await startHarness();
    inbox = await SmtpInbox.start();
    recorded = [];
  });
  afterEach(async () => {
    await inbox.stop();
    await h.stop();
  });

  const runner = (options: Partial<ExportRunnerOptions> = {}, deps: Partial<ExportRunnerDeps> = {}) =>
    new ExportRunner(
      {
        store: h.store,
        loki: h.lokiClient,
        mailer: new SmtpMailer(inbox.url, 'AuditLens <auditlens@acme.test>'),
        recorder: { activity: (e) => recorded.push(e) },
        logger: pino({ level: 'silent' }),
        ...deps,
      },
      {
        dataDir: h.dataDir,
        grafanaUrl: 'http://grafana.test:3000',
        pageSize: 4,
        maxRows: 1000,
        attachmentMaxBytes: 5_000_000,
        zipOverBytes: 5_000_000,
        fileTtlHours: 24,
        retry: { attempts: 5, baseDelayMs: 5, maxDelayMs: 20 },
        pollMs: 10,
        ...options,
      }
    );

  /** The job store as another process (one that is gone by the time the runner starts) had it open. */
  const previousProcess = () => SqlJobStore.open({ dialect: 'sqlite', file: join(h.dataDir, 'jobs.sqlite') });

  /** Runs `r` as the service does until job `id` is done or failed, then stops it. */
  async function settle(r: ExportRunner, id: string): Promise<void> {
    r.start();
    try {
      await waitFor(async () => ['done', 'failed'].includes((await h.store.get(id))!.status));
    } finally {
      await r.stop();
    }
  }
  const job = (over: Partial<NewExport> = {}) =>
    h.store.create({
      requester: jane,
      logType: 'access',
      format: 'csv',
      from: new Date(T - 3600_000).toISOString(),
      to: new Date(T + 3600_000).toISOString(),
      filters: {},
      timezone: 'Europe/Berlin',
      ...over,
    });

  /** 10 events, 5 of them sharing one nanosecond across the page boundary of 4. */
  function seed(): SeedEntry[] {
    const same = ns(T) + 7n;
    const entries = [
      accessEntry(ns(T - 2000), 0, { user_name: '=HYPERLINK("http://evil.test")' }),
      accessEntry(ns(T - 1000), 1, {
        audit_brand: '+cmd|calc',
        user_agent_original: 'says "hi", then\nleaves',
      }),
      accessEntry(ns(T), 2, { audit_action: 'login_failed', audit_outcome: 'failure' }),
      ...[3, 4, 5, 6, 7].map((i) => accessEntry(same, i)),
      accessEntry(ns(T + 1000), 8, { user_name: '-1+2', client_address: '@SUM(A1)' }),
      accessEntry(ns(T + 2000), 9, { user_name: 'ünïcødé ☃' }),
    ];
    h.loki.push(entries);
    h.loki.push([accessEntry(ns(T + 7200_000), 99)]); // outside the range
    return entries;
  }

  it('exports every event once to a CSV mailed to the requester, and records the export', async () => {
    seed();
    const j = await job({ filters: {} });
    expect(await runner().runOnce()).toBe(true);
    expect(inbox.messages).toHaveLength(1);
    const mail = inbox.messages[0]!;
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('jane@acme.test');
    expect(mail.text).toMatch(/Access logs/);
    expect(mail.text).toMatch(/Rows:\s+10/);
    const csv = mail.attachments[0]!.content.toString('utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv
      .slice(1)
      .split('\r\n')
      .filter((l) => l !== '');
    expect(lines[0]).toBe(
      'When (Europe/Berlin),When (UTC),Username,Email,IP address,Action,Brand,Portal,Login source,User agent,Impersonator,Outcome,Summary,Event ID'
    );
    expect(lines).toHaveLength(1 + 10); // a quoted LF inside a cell does not end a CRLF record
    const ids = [...csv.matchAll(/id-\d{4}/g)].map((m) => m[0]);
    expect(ids).toEqual([
      'id-0000',
      'id-0001',
      'id-0002',
      'id-0003',
      'id-0004',
      'id-0005',
      'id-0006',
      'id-0007',
      'id-0008',
      'id-0009',
    ]);
    expect(lines[1]).toBe(
      `2026-11-20 10:59:58.000,2026-11-20T09:59:58.000Z,"'=HYPERLINK(""http://evil.test"")",bob@acme.test,203.0.113.7,Login,Acme,Agent,Google,Mozilla/5.0,,Success,bob logged in (0),id-0000`
    );
    expect(csv).toContain(`'+cmd|calc`);
    expect(csv).toContain(`"says ""hi"", then\nleaves"`);
    expect(csv).toContain(`'-1+2`);
    expect(csv).toContain(`'@SUM(A1)`);
    expect(csv).toContain('ünïcødé ☃');
    const done = (await h.store.get(j.id))!;
    expect(done).toMatchObject({ status: 'done', rows: 10, downloadable: true, error: null });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      category: 'Audit logs',
      action: 'export',
      actor: { name: 'jane', email: 'jane@acme.test' },
      target: { id: 'access' },
    });
    expect(recorded[0]!.summary).toMatch(
      /jane exported 10 access logs from 2026-11-20T09:00:00.000Z to 2026-11-20T11:00:00.000Z as CSV/
    );
  });

  it('sizes its pages to the byte budget it is given, still exporting every event once', async () => {
    seed();
    h.loki.push(Array.from({ length: 110 }, (_, i) => accessEntry(ns(T + 3000 + i), 100 + i)));
    const j = await job();
    // A budget smaller than one event: after the first page (before any size is known), one event a request, more
    // only to get past the events already delivered at the page's first nanosecond.
    await runner({ pageSize: 5000, pageBytes: 1, readConcurrency: 1 }).runOnce();
    expect(await h.store.get(j.id)).toMatchObject({ status: 'done', rows: 120 });
    const csv = inbox.messages[0]!.attachments[0]!.content.toString('utf8');
    // Every event once: each line names its event's number.
    const numbered = csv.match(/bob logged in \(\d+\)/g) ?? [];
    expect(numbered).toHaveLength(120);
    expect(new Set(numbered).size).toBe(120);
    const limits = h.loki.queries
      .filter((q) => q.params.has('limit') && !q.query.includes('audit_chain'))
      .map((q) => Number(q.params.get('limit')));
    expect(limits[0]).toBe(100);
    expect(Math.max(...limits.slice(1))).toBeLessThan(10);
    expect(limits.length).toBeGreaterThan(5);
  });

  it('shows how many rows it expects, from the count that plans its reads, while it runs', async () => {
    seed();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Pages wait for the gate; the count query that plans the windows does not.
    const gated: LokiClient = {
      queryLogs: async (p) => {
        await gate;
        return h.lokiClient.queryLogs(p);
      },
      queryMetrics: (p) => h.lokiClient.queryMetrics(p),
      queryInstant: (p) => h.lokiClient.queryInstant(p),
      ready: (signal) => h.lokiClient.ready(signal),
    };
    const j = await job();
    const r = runner({ readConcurrency: 4 }, { loki: gated });
    const as = { 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': 'jane' };
    r.start();
    try {
      await waitFor(async () => (await h.store.get(j.id))!.estimatedRows != null);
      const running = await request(h.app).get(`/api/v1/exports/${j.id}`).set(as);
      expect(running.body).toMatchObject({ status: 'running', rows: 0, estimatedRows: 10 });
      const listed = await request(h.app).get('/api/v1/exports').set(as);
      expect(listed.body.exports[0]).toMatchObject({ id: j.id, estimatedRows: 10 });
      release();
      await waitFor(async () => ['done', 'failed'].includes((await h.store.get(j.id))!.status));
    } finally {
      release();
      await r.stop();
    }
    expect(await h.store.get(j.id)).toMatchObject({ status: 'done', rows: 10, estimatedRows: 10 });

    // Read by one reader, an export makes no count: no estimate.
    const single = await job();
    await settle(runner({ readConcurrency: 1 }), single.id);
    expect(await h.store.get(single.id)).toMatchObject({ status: 'done', rows: 10, estimatedRows: null });
  });

  it('writes XLSX with real date cells in the requester zone and UTC, a bold frozen header and an autofilter', async () => {
    seed();
    await job({ format: 'xlsx', filters: { user: 'bob' }, timezone: 'America/New_York' });
    await runner().runOnce();
    const parts = await readZipEntries(inbox.messages[0]!.attachments[0]!.content);
    const sheet = parts.get('xl/worksheets/sheet1.xml')!;
    expect(sheet).toMatch(/<pane[^>]*ySplit="1"[^>]*state="frozen"/);
    expect(sheet).toMatch(/<autoFilter ref="A1:N1"/);
    const rows = sheetRows(sheet);
    expect(rows).toHaveLength(1 + 7); // user=bob leaves out the three renamed users
    expect(rows[0]!.map((c) => c.value).slice(0, 3)).toEqual([
      'When (America/New_York)',
      'When (UTC)',
      'Username',
    ]);
    const first = rows[1]!;
    expect(first[0]!.type).toBeUndefined(); // a number: a real date
    expect(excelSerialToIso(Number(first[0]!.value))).toBe('2026-11-20T04:59:59.000');
    expect(excelSerialToIso(Number(first[1]!.value))).toBe('2026-11-20T09:59:59.000');
    const styles = parts.get('xl/styles.xml')!;
    expect(styles).toMatch(/yyyy-mm-dd hh:mm:ss\.000/);
    expect(styles).toMatch(/<b\/>/);
    expect(rows.slice(1).map((r) => r.at(-1)!.value)).toEqual([
      'id-0001',
      'id-0002',
      'id-0003',
      'id-0004',
      'id-0005',
      'id-0006',
      'id-0007',
    ]);
    // A string cell, never a formula, and with the apostrophe CSV gives it: editing the cell or saving the sheet as
    // CSV does not turn it into one.
    expect(rows[1]![6]!.value).toBe("'+cmd|calc");
    expect(sheet).not.toMatch(/<f>/);
  });

  it('retries Loki failing mid-export within the attempt, and delivers once and complete', async () => {
    seed();
    const j = await job();
    h.loki.failNext(3, 503);
    await runner().runOnce();
    expect(await h.store.get(j.id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(inbox.messages).toHaveLength(1);
    const csv = inbox.messages[0]!.attachments[0]!.content.toString('utf8');
    expect([...csv.matchAll(/id-\d{4}/g)]).toHaveLength(10);
  });

  it('waits for a mail server that says "try later", keeping the file downloadable, then mails once', async () => {
    seed();
    const j = await job();
    inbox.refuseNext = 2;
    const r = runner({ mailRetryDelayMs: 30, mailRetryMaxDelayMs: 30 });
    await r.runOnce();
    const waiting = (await h.store.get(j.id))!;
    expect(waiting).toMatchObject({ status: 'waiting_for_mail', downloadable: true, mailAttempts: 1 });
    expect(waiting.error).toMatch(
      /^waiting for the mail server: .*trying again until \d{4}-\d\d-\d\d \d\d:\d\d UTC/
    );
    expect(waiting.error).not.toMatch(/127\.0\.0\.1|:\d{4,5}\b|\//);
    expect(waiting.nextAttemptAt).not.toBeNull();
    const download = await request(h.app)
      .get(`/api/v1/exports/${j.id}/file`)
      .set({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': 'jane' });
    expect(download.status).toBe(200);
    expect(download.text).toContain('id-0009');
    await settle(r, j.id);
    expect(await h.store.get(j.id)).toMatchObject({ status: 'done', error: null, mailAttempts: 3 });
    expect(inbox.messages).toHaveLength(1);
    expect(recorded).toHaveLength(1);
  });

  it('fails the mail after its retry window, keeping the file until it expires', async () => {
    seed();
    const j = await job();
    inbox.refuseNext = 1000;
    const r = runner({ mailRetryMs: 600, mailRetryDelayMs: 20, mailRetryMaxDelayMs: 40 });
    await settle(r, j.id);
    const failed = (await h.store.get(j.id))!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      /^the mail server did not take the mail for 0\.6 s; download the file or send the mail again from My exports until \d{4}-\d\d-\d\d \d\d:\d\d UTC$/
    );
    expect(failed.mailAttempts).toBeGreaterThanOrEqual(2);
    expect(failed).toMatchObject({ downloadable: true });
    expect(inbox.messages).toHaveLength(0);
    expect(recorded).toHaveLength(0);
  });

  it('fails at once, file kept, when the mail server refuses the message for good', async () => {
    seed();
    const j = await job();
    const refusing: Mailer = {
      send: () =>
        Promise.reject(
          new UpstreamError(
            'smtp',
            'could not send mail: 550 mailbox unavailable at mx.acme.test:25',
            false,
            550
          )
        ),
    };
    await runner({}, { mailer: refusing }).runOnce();
    expect(await h.store.get(j.id)).toMatchObject({ status: 'failed', downloadable: true });
    expect((await h.store.get(j.id))!.error).toMatch(
      /^the mail server refused the mail \(SMTP 550\); download the file/
    );
    expect((await h.store.get(j.id))!.error).not.toContain('mx.acme.test');
  });

  it('takes up a job interrupted by a stop or crash at start, rewriting its file, and mails it once', async () => {
    seed();
    const j = await job();
    // A previous process claimed the job and left half a file behind before it was killed.
    const previous = await previousProcess();
    await previous.claimExport();
    await previous.close();
    await mkdir(join(h.dataDir, 'files'), { recursive: true });
    await writeFile(join(h.dataDir, 'files', `${j.id}.csv.part`), 'half a file');
    expect((await h.store.get(j.id))!.status).toBe('running');
    const r = runner();
    await settle(r, j.id);
    expect(await h.store.get(j.id)).toMatchObject({ status: 'done', attempts: 2 });
    expect(inbox.messages).toHaveLength(1);
    const csv = inbox.messages[0]!.attachments[0]!.content.toString('utf8');
    expect(csv).not.toContain('half a file');
    expect([...csv.matchAll(/id-\d{4}/g)]).toHaveLength(10);
    expect(await runner().runOnce()).toBe(false);
  });

  it('fails a job that was interrupted as often as it may be tried, instead of taking it up forever', async () => {
    seed();
    const j = await job();
    for (let i = 0; i < 3; i++) {
      // Each start of a process that then dies claims it once more.
      const previous = await previousProcess();
      await previous.recoverInterrupted(3);
      expect((await previous.claimExport())?.id).toBe(j.id);
      await previous.close();
    }
    const other = await job();
    const r = runner({ maxAttempts: 3 });
    await settle(r, other.id);
    expect(await h.store.get(j.id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: 'the export service stopped during this export 3 times; try a shorter time range',
    });
    expect((await h.store.get(other.id))!.status).toBe('done');
    expect(inbox.messages).toHaveLength(1);
  });

  it('tries an export again later when Loki stays down, and fails it with the reason after its attempts', async () => {
    seed();
    const j = await job();
    h.loki.failNext(1000, 503);
    const r = runner({
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      retryDelayMs: 10,
      maxAttempts: 3,
    });
    await r.runOnce();
    const queued = (await h.store.get(j.id))!;
    expect(queued).toMatchObject({ status: 'queued', attempts: 1 });
    expect(queued.error).toMatch(
      /^Loki did not answer \(attempt 1 of 3\); the export starts again at \d\d:\d\d:\d\d UTC$/
    );
    expect(queued.nextAttemptAt).not.toBeNull();
    await settle(r, j.id);
    expect(await h.store.get(j.id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: 'Loki did not answer in 3 attempts; try again later',
    });
    expect(inbox.messages).toHaveLength(0);
    await expect(readdir(join(h.dataDir, 'files'))).resolves.toEqual([]);
  });

  it('stops without counting the attempt: the job is queued again and finished by the next start', async () => {
    seed();
    const j = await job();
    h.loki.hangNext(1);
    const r = runner();
    r.start();
    await waitFor(() => h.loki.hangingCount === 1, 'the export to wait for Loki');
    await r.stop();
    expect(await h.store.get(j.id)).toMatchObject({ status: 'queued', attempts: 0 });
    expect(inbox.messages).toHaveLength(0);
    await settle(runner(), j.id);
    expect(await h.store.get(j.id)).toMatchObject({ status: 'done', attempts: 1 });
    expect(inbox.messages).toHaveLength(1);
  });

  it('zips large files and sends a download link past the attachment limit', async () => {
    seed();
    await job();
    await runner({ zipOverBytes: 100 }).runOnce();
    const zipped = inbox.messages[0]!.attachments[0]!;
    expect(zipped.filename).toMatch(/\.csv\.zip$/);
    const inside = [...(await readZipEntries(zipped.content)).values()][0]!;
    expect([...inside.matchAll(/id-\d{4}/g)]).toHaveLength(10);

    const j = await job();
    await runner({ attachmentMaxBytes: 100 }).runOnce();
    const linked = inbox.messages[1]!;
    expect(linked.attachments).toHaveLength(0);
    expect(linked.text).toContain(
      `http://grafana.test:3000/api/plugin-proxy/auditlens-auditlogs-app/exports/${j.id}/file`
    );
    const file = join(h.dataDir, 'files', (await h.store.get(j.id))!.filePath!);
    expect((await readFile(file, 'utf8')).includes('id-0009')).toBe(true);
  });

  it('fails the job with a clear reason on a Loki 4xx or too many rows, and sends nothing', async () => {
    seed();
    const a = await job();
    await runner({ maxRows: 5 }).runOnce();
    expect(await h.store.get(a.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/more than 5 rows match/),
    });
    const b = await job();
    h.loki.failNext(1, 400);
    await runner().runOnce();
    expect(await h.store.get(b.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/Loki rejected the query: Loki answered 400/),
    });
    expect(inbox.messages).toHaveLength(0);
  });

  it('deletes files once they expire; the download then answers 410', async () => {
    seed();
    const r = runner({ fileTtlHours: 1 });
    const j = await job();
    await r.runOnce();
    const file = join(h.dataDir, 'files', (await h.store.get(j.id))!.filePath!);
    const download = () =>
      request(h.app)
        .get(`/api/v1/exports/${j.id}/file`)
        .set({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': 'jane' });
    const before = await download();
    expect(before.status).toBe(200);
    expect(before.headers['content-disposition']).toMatch(
      /^attachment; filename="?auditlens-access-[0-9a-f]{8}\.csv"?$/
    );
    expect(before.text).toContain('id-0009');
    expect(
      (
        await request(h.app)
          .get(`/api/v1/exports/${j.id}/file`)
          .set({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': 'bob' })
      ).status
    ).toBe(404);
    expect(await r.deleteExpiredFiles()).toBe(0);
    await h.store.update(j.id, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await r.deleteExpiredFiles()).toBe(1);
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
    expect(await h.store.get(j.id)).toMatchObject({ status: 'done', downloadable: false });
    expect((await download()).status).toBe(410);
  });

  it('deletes the files of failed mails and waiting ones at expiry too, and files no job refers to', async () => {
    seed();
    const r = runner({ fileTtlHours: 1 });
    const failed = await job();
    const refusing: Mailer = {
      send: () => Promise.reject(new UpstreamError('smtp', 'could not send mail: 550', false, 550)),
    };
    await runner({ fileTtlHours: 1 }, { mailer: refusing }).runOnce();
    const waiting = await job();
    inbox.refuseNext = 1;
    await r.runOnce();
    expect(await h.store.get(failed.id)).toMatchObject({ status: 'failed', downloadable: true });
    expect(await h.store.get(waiting.id)).toMatchObject({ status: 'waiting_for_mail', downloadable: true });
    const files = join(h.dataDir, 'files');
    // Left by a killed process: the partial file of a job that then failed, and a file of a deleted job.
    const gone = await job();
    await h.store.update(gone.id, { status: 'failed', error: 'x' });
    await writeFile(join(files, `${gone.id}.csv.part`), 'partial');
    await writeFile(join(files, '0190aaaa-0000-7000-8000-000000000000.xlsx'), 'stray');
    // A job still being written keeps its partial file.
    const writing = await job();
    await writeFile(join(files, `${writing.id}.csv.part`), 'in progress');
    expect(await r.deleteOrphanedFiles()).toBe(2);
    expect((await readdir(files)).sort()).toEqual(
      [`${failed.id}.csv`, `${waiting.id}.csv`, `${writing.id}.csv.part`].sort()
    );
    for (const id of [failed.id, waiting.id])
      await h.store.update(id, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(await r.deleteExpiredFiles()).toBe(2);
    expect(await readdir(files)).toEqual([`${writing.id}.csv.part`]);
    expect(await h.store.get(failed.id)).toMatchObject({ downloadable: false, filePath: null });
  });

  it('fails only the job whose disk filled up, deleting its partial file, and goes on with the next', async () => {
    seed();
    const disk = diskWithRoom(600);
    const big = await job({ format: 'xlsx' });
    const r = runner({ pageSize: 2 }, { openFile: disk.open });
    await r.runOnce();
    const failed = (await h.store.get(big.id))!;
    expect(failed).toMatchObject({ status: 'failed', downloadable: false, filePath: null });
    expect(failed.error).toBe(
      "the export service's disk is full: the export was stopped and its partial file deleted; try again later or ask an administrator to free space"
    );
    expect(await readdir(join(h.dataDir, 'files'))).toEqual([]);
    const next = await job();
    await runner().runOnce();
    expect((await h.store.get(next.id))!.status).toBe('done');
    expect(inbox.messages).toHaveLength(1);
  });

  it.each([
    ['two addresses', 'jane@acme.test, attacker@evil.test'],
    ['a line break', 'jane@acme.test\r\nBcc: attacker@evil.test'],
    ['a display name', 'Jane <attacker@evil.test>'],
    ['no address', ''],
  ])(
    'refuses a recipient with %s: the job fails with a reason and an audit event, nothing is sent',
    async (_what, email) => {
      seed();
      const j = await job({ requester: { ...jane, email } });
      await runner().runOnce();
      expect(await h.store.get(j.id)).toMatchObject({ status: 'failed', rows: 0 });
      expect((await h.store.get(j.id))!.error).toMatch(
        /^the Grafana account( has no email address|'s email address is not one valid address); ask a Grafana administrator to correct it, then export again$/
      );
      expect(h.loki.queries).toHaveLength(0);
      expect(inbox.messages).toHaveLength(0);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({
        action: 'export',
        outcome: 'failure',
        changes: { after: { recipient: email } },
      });
    }
  );

  it('sends to exactly the one recipient, as the envelope recipient too', async () => {
    seed();
    await job();
    await runner().runOnce();
    expect(inbox.recipients).toEqual([['jane@acme.test']]);
  });

  it("stops an export at the requester's daily row budget, counting their other exports of the day", async () => {
    seed();
    const first = await job();
    await runner({ dailyRows: 15 }).runOnce();
    expect(await h.store.get(first.id)).toMatchObject({ status: 'done', rows: 10 });
    const second = await job();
    await runner({ dailyRows: 15 }).runOnce();
    expect(await h.store.get(second.id)).toMatchObject({ status: 'failed' });
    expect((await h.store.get(second.id))!.error).toMatch(
      /^this export would pass your limit of 15 rows in 24 hours \(10 used\)/
    );
    // Bob's budget is his own.
    const bobs = await job({
      requester: { uid: 'u-bob', login: 'bob', email: 'bob@acme.test', name: 'Bob' },
    });
    await runner({ dailyRows: 15 }).runOnce();
    expect((await h.store.get(bobs.id))!.status).toBe('done');
  });

  it('runs exports of different users side by side, one per user at a time', async () => {
    seed();
    const janes = [await job(), await job(), await job()];
    const bobs = await job({
      requester: { uid: 'u-bob', login: 'bob', email: 'bob@acme.test', name: 'Bob' },
    });
    // Every export waits on Loki until released, so which ones run at once can be seen.
    h.loki.hangNext(100);
    const r = runner({ workers: 2, workersPerUser: 1, retry: { attempts: 1 } });
    r.start();
    try {
      await waitFor(() => h.loki.hangingCount === 2, 'two exports waiting on Loki');
      const running: string[] = [];
      for (const j of [...janes, bobs])
        if ((await h.store.get(j.id))!.status === 'running') running.push(j.id);
      expect(running.sort()).toEqual([janes[0]!.id, bobs.id].sort());
    } finally {
      await r.stop();
    }
  });
});
