/**
 * Fault: the disk fills up while an export is written. Only that export fails, with a reason the user can
 * act on and its partial file deleted; the runner goes on with the next exports, which complete.
 * The full disk is an injected file stream that fails with ENOSPC as `fs.WriteStream` does once its room is
 * used (the writers' own tests also meet the kernel's ENOSPC on /dev/full).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import request from 'supertest';
import type { ExportJob } from '@auditlens/contract';
import { SmtpInbox, waitFor } from '@auditlens/testkit';
import { ExportRunner } from '../../src/exports/export-runner';
import { SmtpMailer } from '../../src/exports/mail/mailer';
import { diskWithRoom } from '../support/full-disk';
import { startHarness, SECRET, type Harness } from '../support/harness';
import { accessEvents, pushAccessEvents } from '../support/audit-events';
import { eventIdsOf } from '../support/service-client';

const as = (login: string) => ({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': login });

describe('the disk full mid-export', () => {
  let h: Harness;
  let inbox: SmtpInbox;
  let runner: ExportRunner;
  afterEach(async () => {
    await runner?.stop();
    await inbox.stop();
    await h.stop();
  });

  it('fails that export only, deletes its partial file, and completes the next ones', async () => {
    // The test polls the jobs; the rate limit is not its subject.
    h = await startHarness({ app: { ratePerSecond: 1000, rateBurst: 1000 } });
    inbox = await SmtpInbox.start();
    const now = Date.now();
    const events = accessEvents(3000, now - 30 * 60_000, now - 60_000, ['bob']);
    await pushAccessEvents(h.loki.url, 'helpdesk', events);
    // Room for a part of the first export's file only.
    const disk = diskWithRoom(150_000);
    let opened = 0;
    runner = new ExportRunner(
      {
        store: h.store,
        loki: h.lokiClient,
        mailer: new SmtpMailer(inbox.url, 'AuditLens <auditlens@acme.test>'),
        recorder: { activity: () => undefined },
        logger: pino({ level: 'silent' }),
        // The first file lands on the full disk; later ones after space was freed.
        openFile: (path) => (opened++ === 0 ? disk.open(path) : diskWithRoom(1e9).open(path)),
      },
      {
        dataDir: h.dataDir,
        grafanaUrl: 'http://grafana.test',
        pageSize: 500,
        maxRows: 1e6,
        zipOverBytes: 1e9,
        attachmentMaxBytes: 1e9,
        fileTtlHours: 1,
        workers: 1,
        pollMs: 20,
      }
    );
    runner.start();
    const create = async (login: string): Promise<ExportJob> => {
      const grant = await request(h.app).post('/api/v1/logs/access/export-grants').set(as(login));
      const res = await request(h.app)
        .post('/api/v1/exports')
        .set(as(login))
        .send({
          grant: grant.body.grant,
          from: new Date(now - 40 * 60_000).toISOString(),
          to: new Date(now).toISOString(),
          format: 'csv',
        });
      expect(res.status).toBe(202);
      return res.body as ExportJob;
    };
    const jane = await create('jane');
    const bob = await create('bob');
    const job = async (login: string, id: string) =>
      (await request(h.app).get(`/api/v1/exports/${id}`).set(as(login))).body as ExportJob;
    await waitFor(async () => ['done', 'failed'].includes((await job('bob', bob.id)).status), "bob's export");

    const failed = await job('jane', jane.id);
    expect(failed).toMatchObject({ status: 'failed', downloadable: false });
    expect(failed.error).toBe(
      "the export service's disk is full: the export was stopped and its partial file deleted; try again later or ask an administrator to free space"
    );
    expect(failed.rows).toBeGreaterThan(0);
    expect(failed.rows).toBeLessThan(events.length);
    expect(await job('bob', bob.id)).toMatchObject({ status: 'done', rows: events.length });
    expect(await readdir(join(h.dataDir, 'files'))).toEqual([`${bob.id}.csv`]);

    // The runner is still there for the next export.
    const again = await create('jane');
    await waitFor(async () => (await job('jane', again.id)).status === 'done', "jane's second export");
    expect(inbox.messages).toHaveLength(2);
    for (const mail of inbox.messages) {
      const ids = await eventIdsOf(mail);
      expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));
      expect(ids).toHaveLength(events.length);
    }
  }, 120_000);
});
