// Issue 16 item 7: a user's permission to read the log type and to export is checked again, through Grafana,
// when the export job starts and when its file is downloaded.
import pino from 'pino';
import request from 'supertest';
import { SmtpInbox } from '@auditlens/testkit';
import { startHarness, GRAFANA_TOKEN, SECRET, type Harness } from '../../test/support/harness';
import { SmtpMailer } from '../exports/mail/mailer';
import { ExportRunner } from '../exports/export-runner';
import { GrafanaExportPermissions, PermissionRevokedError } from './export-permissions';
import type { Requester } from './requester';

const T = Date.parse('2026-11-20T10:00:00Z');

describe('permissions checked again through Grafana', () => {
  let h: Harness;
  let inbox: SmtpInbox;
  let authorizer: GrafanaExportPermissions;
  beforeEach(async () => {
    h = await startHarness();
    inbox = await SmtpInbox.start();
    authorizer = new GrafanaExportPermissions({ grafanaUrl: h.grafana.url, token: GRAFANA_TOKEN });
    h.loki.push([
      {
        ts: BigInt(T) * 1_000_000n,
        line: 'bob logged in',
        labels: { service_name: 'helpdesk', audit_log_type: 'access' },
        metadata: { audit_event_id: 'e1', user_name: 'bob', audit_action: 'login', audit_outcome: 'success' },
      },
    ]);
  });
  afterEach(async () => {
    await inbox.stop();
    await h.stop();
  });

  const jane: Requester = { uid: 'u-jane', login: 'jane', email: 'jane@acme.test', name: 'Jane Admin' };
  const runner = () =>
    new ExportRunner(
      {
        store: h.store,
        loki: h.lokiClient,
        mailer: new SmtpMailer(inbox.url, 'AuditLens <auditlens@acme.test>'),
        recorder: { activity: () => undefined },
        authorizer,
        logger: pino({ level: 'silent' }),
      },
      {
        dataDir: h.dataDir,
        grafanaUrl: 'http://grafana.test:3000',
        maxRows: 1000,
        attachmentMaxBytes: 5_000_000,
        zipOverBytes: 5_000_000,
        fileTtlHours: 24,
        retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
      }
    );
  const queue = (requester: Requester = jane) =>
    h.store.create({
      requester,
      logType: 'access',
      format: 'csv',
      from: new Date(T - 3600_000).toISOString(),
      to: new Date(T + 3600_000).toISOString(),
      filters: {},
      timezone: 'UTC',
    });

  describe('when a job starts', () => {
    it('runs the job of a user who still may read the log type and export', async () => {
      const job = await queue();
      await runner().runOnce();
      expect(await h.store.get(job.id)).toMatchObject({ status: 'done', rows: 1, error: null });
      expect(inbox.messages).toHaveLength(1);
    });

    it.each([
      [
        'lost the read permission for the log type',
        (h: Harness) => h.grafana.setOrgRole('jane', 'Viewer'),
        'refused: you may no longer read access logs in Grafana',
      ],
      [
        'lost only the export permission',
        (h: Harness) => {
          h.grafana.setOrgRole('jane', 'Editor');
          h.grafana.setAssigned('jane', ['auditlens-auditlogs-app.access:read']);
        },
        'refused: you may no longer export audit logs in Grafana',
      ],
      [
        'was removed from the organisation',
        (h: Harness) => h.grafana.removeFromOrg('jane'),
        'refused: your Grafana account is no longer a member of this organisation',
      ],
      [
        'was deleted',
        (h: Harness) => h.grafana.deleteUser('jane'),
        'refused: your Grafana account is no longer a member of this organisation',
      ],
    ])('fails, saying why, the job of a user who %s', async (_why, revoke, reason) => {
      const job = await queue();
      revoke(h);
      await runner().runOnce();
      expect(await h.store.get(job.id)).toMatchObject({ status: 'failed', rows: 0, error: reason });
      expect(inbox.messages).toHaveLength(0);
      expect(h.loki.queries).toHaveLength(0);
    });

    it('refuses a job queued before user ids were recorded', async () => {
      await expect(authorizer.authorize({ ...jane, uid: null }, 'access')).rejects.toBeInstanceOf(
        PermissionRevokedError
      );
    });
  });

  describe('on download', () => {
    const download = (id: string) =>
      request(h.app)
        .get(`/api/v1/exports/${id}/file`)
        .set({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': 'jane' });

    it('serves the file while the owner may read the log type, and refuses it once not', async () => {
      const job = await queue();
      await runner().runOnce();
      const ok = await download(job.id);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('bob logged in');
      // Viewers read nothing on OSS (plugin.json grants the viewer role to Editor and the exporter to Admin).
      h.grafana.setOrgRole('jane', 'Viewer');
      const refused = await download(job.id);
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: 'you may no longer read access logs in Grafana' });
    });
  });
});
