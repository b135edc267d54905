import { get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import type { ApiError, ExportJob } from '@auditlens/contract';
import { SmtpInbox, waitFor } from '@auditlens/testkit';
import type { NewExport, StoredJob } from './store/job-store';
import { ExportRunner } from './export-runner';
import { SmtpMailer } from './mail/mailer';
import { startHarness, SECRET, type Harness } from '../../test/support/harness';

const as = (login: string) => ({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': login });
const jane = { uid: 'u-jane', login: 'jane', email: 'jane@acme.test', name: 'Jane Admin' };
const range = { from: '2026-11-20T09:00:00.000Z', to: '2026-11-20T10:00:00.000Z' };

/** Descriptors this process holds open on `path`. */
async function openHandlesOn(path: string): Promise<number> {
  let n = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target === path) n++;
  }
  return n;
}

describe('/api/v1/exports', () => {
  let h: Harness;
  afterEach(() => h.stop());

  /** A finished export of jane's with a file of `bytes` bytes. */
  async function finishedExport(bytes: number, over: Partial<NewExport> = {}): Promise<StoredJob> {
    const job = await h.store.create({
      requester: jane,
      logType: 'access',
      format: 'csv',
      filters: {},
      timezone: 'UTC',
      ...range,
      ...over,
    });
    const dir = join(h.dataDir, 'files');
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${job.id}.csv`);
    await writeFile(path, Buffer.alloc(bytes, 'a'));
    await h.store.update(job.id, {
      status: 'done',
      bytes,
      filePath: path,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    return (await h.store.get(job.id))!;
  }

  async function grant(login: string): Promise<string> {
    const res = await request(h.app).post('/api/v1/logs/access/export-grants').set(as(login));
    return res.body.grant as string;
  }

  describe('GET /:id/file', () => {
    beforeEach(async () => {
      // Twenty downloads in a row are these tests' point, not the rate limit's.
      h = await startHarness({ app: { ratePerSecond: 1000, rateBurst: 1000 } });
    });

    it('answers 410 JSON when the file of a finished export is gone, and stops offering it', async () => {
      const job = await finishedExport(100);
      await rm(job.filePath!);
      const res = await request(h.app).get(`/api/v1/exports/${job.id}/file`).set(as('jane'));
      expect(res.status).toBe(410);
      expect(res.body).toEqual({
        error: 'the export file is no longer there; export again',
      } satisfies ApiError);
      expect(await h.store.get(job.id)).toMatchObject({ downloadable: false, status: 'done' });
    });

    it('closes the file of every download the client aborts, and serves the next one whole', async () => {
      const job = await finishedExport(16 * 1024 * 1024);
      const server: Server = h.app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/exports/${job.id}/file`;
      try {
        for (let i = 0; i < 20; i++) {
          await new Promise<void>((resolve, reject) => {
            const req = httpGet(url, { headers: as('jane') }, (res) => {
              expect(res.statusCode).toBe(200);
              res.once('data', () => {
                req.destroy();
                resolve();
              });
            });
            req.on('error', (error) => (req.destroyed ? resolve() : reject(error)));
          });
        }
        await waitFor(
          async () => (await openHandlesOn(job.filePath!)) === 0,
          'the aborted downloads to close their files'
        );
        const whole = await request(server)
          .get(`/api/v1/exports/${job.id}/file`)
          .set(as('jane'))
          .buffer(true)
          .parse((res, done) => {
            let n = 0;
            res.on('data', (c: Buffer) => (n += c.length));
            res.on('end', () => done(null, n));
          });
        expect(whole.body).toBe(16 * 1024 * 1024);
        expect(await openHandlesOn(job.filePath!)).toBe(0);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('answers a JSON 500 and closes the file when reading it fails', async () => {
      const job = await finishedExport(10);
      // A directory opens for reading on Linux, and fails at the first read (EISDIR).
      await rm(job.filePath!);
      await mkdir(job.filePath!);
      const res = await request(h.app).get(`/api/v1/exports/${job.id}/file`).set(as('jane'));
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'internal error' });
      expect(await openHandlesOn(job.filePath!)).toBe(0);
    });

    it('answers 404 before the file exists and 410 once it expired', async () => {
      const queued = await h.store.create({
        requester: jane,
        logType: 'access',
        format: 'csv',
        filters: {},
        timezone: 'UTC',
        ...range,
      });
      expect((await request(h.app).get(`/api/v1/exports/${queued.id}/file`).set(as('jane'))).status).toBe(
        404
      );
      const job = await finishedExport(10);
      await h.store.update(job.id, { expiresAt: new Date(Date.now() - 1).toISOString() });
      const gone = await request(h.app).get(`/api/v1/exports/${job.id}/file`).set(as('jane'));
      expect(gone.status).toBe(410);
      expect(gone.body).toEqual({ error: 'the export file has expired; export again' });
    });
  });

  describe('POST /:id/mail', () => {
    let inbox: SmtpInbox;
    beforeEach(async () => {
      h = await startHarness();
      inbox = await SmtpInbox.start();
    });
    afterEach(() => inbox.stop());

    it('mails the file again while it lives, to the requester only, and says why it cannot otherwise', async () => {
      const job = await finishedExport(50);
      await h.store.update(job.id, {
        status: 'failed',
        error: 'the mail server refused the mail (SMTP 550)',
      });
      expect((await request(h.app).post(`/api/v1/exports/${job.id}/mail`).set(as('bob'))).status).toBe(404);
      const res = await request(h.app).post(`/api/v1/exports/${job.id}/mail`).set(as('jane'));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        id: job.id,
        status: 'waiting_for_mail',
        error: null,
        downloadable: true,
      } satisfies Partial<ExportJob>);
      const runner = new ExportRunner(
        {
          store: h.store,
          loki: h.lokiClient,
          mailer: new SmtpMailer(inbox.url, 'AuditLens <auditlens@acme.test>'),
          recorder: { activity: () => undefined },
          logger: pino({ level: 'silent' }),
        },
        {
          dataDir: h.dataDir,
          grafanaUrl: 'http://grafana.test',
          maxRows: 10,
          attachmentMaxBytes: 1e6,
          zipOverBytes: 1e6,
          fileTtlHours: 1,
        }
      );
      expect(await runner.runOnce()).toBe(true);
      expect(await h.store.get(job.id)).toMatchObject({ status: 'done' });
      expect(inbox.recipients).toEqual([['jane@acme.test']]);
      expect(inbox.messages[0]!.attachments[0]!.content.length).toBe(50);

      await h.store.update(job.id, { status: 'sending' });
      const busy = await request(h.app).post(`/api/v1/exports/${job.id}/mail`).set(as('jane'));
      expect(busy.status).toBe(409);
      await h.store.update(job.id, { status: 'done', expiresAt: new Date(Date.now() - 1).toISOString() });
      const expired = await request(h.app).post(`/api/v1/exports/${job.id}/mail`).set(as('jane'));
      expect(expired.status).toBe(410);
      const queued = await h.store.create({
        requester: jane,
        logType: 'access',
        format: 'csv',
        filters: {},
        timezone: 'UTC',
        ...range,
      });
      const early = await request(h.app).post(`/api/v1/exports/${queued.id}/mail`).set(as('jane'));
      expect(early.status).toBe(409);
      expect(early.body).toEqual({ error: 'the export is not ready yet; it is mailed when it is' });
    });
  });

  describe('POST / (fair use)', () => {
    it('makes one export of a grant: using it again is a 409', async () => {
      h = await startHarness();
      const g = await grant('jane');
      const body = { grant: g, ...range, format: 'csv' };
      expect((await request(h.app).post('/api/v1/exports').set(as('jane')).send(body)).status).toBe(202);
      const again = await request(h.app).post('/api/v1/exports').set(as('jane')).send(body);
      expect(again.status).toBe(409);
      expect(again.body).toEqual({ error: 'this export grant was used already; ask for a new one' });
      expect(await h.store.listFor('u-jane')).toHaveLength(1);
    });

    it('makes no second export of a used grant spelled otherwise (a part or padding appended, re-encoded)', async () => {
      h = await startHarness({ app: { ratePerSecond: 1000, rateBurst: 1000 } });
      // A grant whose signature has a `-` or `_`, which standard base64 spells `+` or `/`.
      let g = await grant('jane');
      while (!/[-_]/.test(g.split('.')[1]!)) g = await grant('jane');
      const post = (spelling: string) =>
        request(h.app)
          .post('/api/v1/exports')
          .set(as('jane'))
          .send({ grant: spelling, ...range, format: 'csv' });
      expect((await post(g)).status).toBe(202);
      const [payload, sig] = g.split('.') as [string, string];
      const standard = (text: string) => text.replaceAll('-', '+').replaceAll('_', '/');
      for (const variant of [
        `${g}.x`,
        `${g}=`,
        `${payload}=.${sig}`,
        `${standard(payload)}.${standard(sig)}`,
      ]) {
        const res = await post(variant);
        expect({ variant, status: res.status, body: res.body as unknown }).toEqual({
          variant,
          status: 403,
          body: { error: 'invalid export grant' },
        });
      }
      expect(await h.store.listFor('u-jane')).toHaveLength(1);
    });

    it('refuses more exports on their way than allowed per user, with a 429 saying when to look again', async () => {
      h = await startHarness({ app: { exportLimits: { perUser: 2, dailyRows: 1e9, dailyBytes: 1e12 } } });
      const post = async (login: string) =>
        request(h.app)
          .post('/api/v1/exports')
          .set(as(login))
          .send({ grant: await grant(login), ...range, format: 'csv' });
      expect((await post('jane')).status).toBe(202);
      expect((await post('jane')).status).toBe(202);
      const third = await post('jane');
      expect(third.status).toBe(429);
      expect(third.headers['retry-after']).toBe('60');
      expect(third.body).toEqual({
        error: 'you have 2 exports on their way (at most 2); wait until one is done',
        retryAfter: 60,
      });
      expect((await post('bob')).status).toBe(202);
      // A refused request does not use its grant.
      const first = (await h.store.listFor('u-jane'))[0]!;
      await h.store.update(first.id, { status: 'done' });
      expect((await post('jane')).status).toBe(202);
    });

    it('refuses a new export once the daily rows are used, until the oldest leaves the 24 hours', async () => {
      h = await startHarness({ app: { exportLimits: { perUser: 10, dailyRows: 1000, dailyBytes: 1e12 } } });
      const done = await h.store.create({
        requester: jane,
        logType: 'access',
        format: 'csv',
        filters: {},
        timezone: 'UTC',
        ...range,
      });
      await h.store.update(done.id, { status: 'done', rows: 1000, filePath: '/x' });
      const res = await request(h.app)
        .post('/api/v1/exports')
        .set(as('jane'))
        .send({ grant: await grant('jane'), ...range, format: 'csv' });
      expect(res.status).toBe(429);
      expect(res.body.error).toBe(
        'you have exported 1000 rows in the last 24 hours, your limit; try again later'
      );
      const wait = Number(res.headers['retry-after']);
      expect(wait).toBeGreaterThan(86_400 - 60);
      expect(wait).toBeLessThanOrEqual(86_400);
    });
  });
});
