// Issue 16 item 7 and issue 21 item 1: a user's permission to read the log type (and to export) is asked of
// Grafana whenever audit data is handed over: when the export job starts, before each of its mails (the first,
// an automatic retry, one asked for again), on download, for its manifest and integrity summary, and for every
// read of a log type's rows, counts and reports.
import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { PLUGIN_ID } from '@auditlens/contract';
import { SmtpInbox } from '@auditlens/testkit';
import { startHarness, GRAFANA_TOKEN, SECRET, type Harness } from '../../test/support/harness';
import { SmtpMailer } from '../exports/mail/mailer';
import { ExportRunner } from '../exports/export-runner';
import { ExportManifests } from '../exports/export-manifests';
import { KeyRing, serviceSigningKey } from '@auditlens/integrity';
import { RangeVerifications } from '../integrity/range-verifications';
import {
  GrafanaExportPermissions,
  PermissionRevokedError,
  type ExportAuthorizer,
} from './export-permissions';
import type { Requester } from './requester';

const T = Date.parse('2026-11-20T10:00:00Z');
const ring = new KeyRing(new Map());
const serviceKey = serviceSigningKey(generateKeyPairSync('ed25519').privateKey);
const as = (login: string) => ({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': login });
// Enterprise/Cloud: jane keeps the export permission and the activity logs, and loses the access logs (the
// issue's case: the read permission of one log type gone, exports:create kept).
const ACTIVITY_AND_EXPORT = [
  'auditlens-auditlogs-app.activity:read',
  'auditlens-auditlogs-app.exports:create',
];

describe('permissions checked again through Grafana', () => {
  let h: Harness;
  let inbox: SmtpInbox;
  let authorizer: GrafanaExportPermissions;
  let manifests: ExportManifests;
  // The inbox's address, kept while it is stopped.
  let smtpUrl: string;
  beforeEach(async () => {
    h = await startHarness({
      grafana: { idForwarding: true },
      integrity: (loki, files) => {
        manifests = new ExportManifests({ loki, keys: ring, signingKey: serviceKey, files });
        return { verifications: new RangeVerifications(loki, ring), manifests, signingKey: serviceKey };
      },
    });
    inbox = await SmtpInbox.start();
    smtpUrl = inbox.url;
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
  const runner = (checker: ExportAuthorizer = authorizer) =>
    new ExportRunner(
      {
        store: h.store,
        loki: h.lokiClient,
        mailer: new SmtpMailer(smtpUrl, 'AuditLens <auditlens@acme.test>'),
        recorder: { activity: () => undefined },
        authorizer: checker,
        logger: pino({ level: 'silent' }),
        manifests,
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
    const download = (id: string) => request(h.app).get(`/api/v1/exports/${id}/file`).set(as('jane'));

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

  describe('when a page reads a log type', () => {
    const range = { from: String(T - 3600_000), to: String(T + 3600_000) };
    const reads: Array<[method: 'get' | 'post', path: string]> = [
      ['get', '/api/v1/logs/access'],
      ['get', '/api/v1/logs/access/facets?field=user'],
      ['get', '/api/v1/logs/access/stats?by=action'],
      ['get', '/api/v1/logs/access/integrity'],
      ['post', '/api/v1/logs/access/export-grants'],
    ];
    const read = (method: 'get' | 'post', path: string, login = 'jane') => {
      const agent = request(h.app);
      const req = method === 'get' ? agent.get(path).query(range) : agent.post(path);
      return req.set(as(login));
    };

    it('serves rows, facets, stats, integrity and grants while the reader may read the type, and refuses them once not', async () => {
      for (const [method, path] of reads)
        expect([path, (await read(method, path)).status]).toEqual([path, 200]);
      const queried = h.loki.queries.length;
      h.grafana.setOrgRole('jane', 'Viewer');
      h.grafana.setAssigned('jane', ACTIVITY_AND_EXPORT);
      for (const [method, path] of reads) {
        const res = await read(method, path);
        expect([path, res.status, res.body]).toEqual([
          path,
          403,
          { error: 'you may no longer read access logs in Grafana' },
        ]);
      }
      // Refused before Loki was asked anything.
      expect(h.loki.queries).toHaveLength(queried);
      // The log type jane still may read is served.
      expect((await read('get', '/api/v1/logs/activity')).status).toBe(200);
    });

    it('refuses the holder of a still unexpired ID token who is no longer in the organisation', async () => {
      const token = await h.grafana.idTokenFor('bob');
      const withToken = () =>
        request(h.app)
          .get('/api/v1/logs/access')
          .query(range)
          .set({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-Id': token });
      expect((await withToken()).status).toBe(200);
      h.grafana.removeFromOrg('bob');
      const res = await withToken();
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: 'your Grafana account is no longer a member of this organisation' });
    });
  });

  describe('when an export is handed over again', () => {
    /** A request through the Grafana double's plugin proxy, as jane's browser sends it. */
    const viaGrafana = async (method: string, path: string) => {
      const res = await fetch(`${h.grafana.url}/api/plugin-proxy/${PLUGIN_ID}/${path}`, {
        method,
        headers: h.grafana.sessionFor('jane'),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };

    it('refuses with 403 to mail it again once the owner lost the read permission (Grafana lets the request through)', async () => {
      await h.serve();
      const job = await queue();
      await runner().runOnce();
      expect(inbox.messages).toHaveLength(1);
      h.grafana.setOrgRole('jane', 'Viewer');
      h.grafana.setAssigned('jane', ACTIVITY_AND_EXPORT);
      expect(await viaGrafana('POST', `exports/${job.id}/mail`)).toEqual({
        status: 403,
        body: { error: 'you may no longer read access logs in Grafana' },
      });
      expect(await h.store.get(job.id)).toMatchObject({ status: 'done', error: null });
      await runner().runOnce();
      expect(inbox.messages).toHaveLength(1);
      // Given back, the permission lets the mail be asked for and sent again.
      h.grafana.setOrgRole('jane', 'Admin');
      expect((await viaGrafana('POST', `exports/${job.id}/mail`)).status).toBe(202);
      await runner().runOnce();
      expect(inbox.messages).toHaveLength(2);
    });

    it('refuses to mail it again once the owner lost only the export permission', async () => {
      const job = await queue();
      await runner().runOnce();
      h.grafana.setOrgRole('jane', 'Editor');
      const res = await request(h.app).post(`/api/v1/exports/${job.id}/mail`).set(as('jane'));
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: 'you may no longer export audit logs in Grafana' });
    });

    it('fails an automatic mail retry, saying why, once the owner lost the read permission, and mails nothing', async () => {
      await inbox.stop();
      const job = await queue();
      await runner().runOnce();
      expect(await h.store.get(job.id)).toMatchObject({ status: 'waiting_for_mail' });
      h.grafana.setOrgRole('jane', 'Viewer');
      h.grafana.setAssigned('jane', ACTIVITY_AND_EXPORT);
      inbox = await SmtpInbox.start(Number(new URL(smtpUrl).port));
      await h.store.update(job.id, { nextAttemptAt: new Date(Date.now() - 1000).toISOString() });
      expect(await runner().runOnce()).toBe(true);
      expect(await h.store.get(job.id)).toMatchObject({
        status: 'failed',
        error: 'refused: you may no longer read access logs in Grafana',
        nextAttemptAt: null,
      });
      expect(inbox.messages).toHaveLength(0);
    });

    it('holds an automatic mail retry while Grafana cannot say, and sends it once Grafana answers', async () => {
      await inbox.stop();
      const job = await queue();
      await runner().runOnce();
      inbox = await SmtpInbox.start(Number(new URL(smtpUrl).port));
      await h.store.update(job.id, { nextAttemptAt: new Date(Date.now() - 1000).toISOString() });
      const unreachable = new GrafanaExportPermissions({
        grafanaUrl: 'http://127.0.0.1:1',
        token: GRAFANA_TOKEN,
      });
      await runner(unreachable).runOnce();
      const held = await h.store.get(job.id);
      expect(held).toMatchObject({ status: 'waiting_for_mail' });
      expect(held?.error).toMatch(
        /^waiting for Grafana: it did not confirm that you may still receive this export; trying again until /
      );
      expect(inbox.messages).toHaveLength(0);
      await h.store.update(job.id, { nextAttemptAt: new Date(Date.now() - 1000).toISOString() });
      await runner().runOnce();
      expect(await h.store.get(job.id)).toMatchObject({ status: 'done', error: null });
      expect(inbox.messages).toHaveLength(1);
    });

    it("answers its manifest and integrity summary only while the owner may still read the export's log type", async () => {
      const job = await queue();
      await runner().runOnce();
      const manifest = () => request(h.app).get(`/api/v1/exports/${job.id}/manifest`).set(as('jane'));
      const summary = () => request(h.app).get('/api/v1/exports/integrity').set(as('jane'));
      expect((await manifest()).status).toBe(200);
      expect(Object.keys((await summary()).body.exports as object)).toEqual([job.id]);
      h.grafana.setOrgRole('jane', 'Viewer');
      h.grafana.setAssigned('jane', ACTIVITY_AND_EXPORT);
      const refused = await manifest();
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: 'you may no longer read access logs in Grafana' });
      expect((await summary()).body).toEqual({ exports: {} });
    });
  });
});
