import pino from 'pino';
import request from 'supertest';
import { FILTER_FIELDS, type AuditRow, type LogsResponse } from '@auditlens/contract';
import { startHarness, SECRET, type Harness } from '../test/support/harness';
import { createMetricsApp } from './http/metrics-app';
import type { SeedEntry } from '@auditlens/loki/double';

const MS = 1_000_000n;
const T = Date.parse('2026-11-20T10:00:00Z');
const ns = (ms: number) => BigInt(ms) * MS;
const range = { from: String(T - 3600_000), to: String(T + 3600_000) };

function access(tsNs: bigint, id: string, md: Record<string, string> = {}): SeedEntry {
  return {
    ts: tsNs,
    line: `event ${id}`,
    labels: { service_name: 'helpdesk', audit_log_type: 'access' },
    metadata: {
      audit_event_id: id,
      user_name: 'bob',
      audit_action: 'login',
      audit_outcome: 'success',
      audit_portal: 'agent',
      client_address: '203.0.113.7',
      ...md,
    },
  };
}

describe('export service app', () => {
  let h: Harness;
  const as = (login: string) => ({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': login });

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  describe('who is asking', () => {
    it('answers 401 and nothing else without the shared secret or with a wrong one', async () => {
      for (const headers of [
        { 'X-Grafana-User': 'jane' },
        { 'X-AuditLens-Secret': 'wrong', 'X-Grafana-User': 'jane' },
      ]) {
        const res = await request(h.app).get('/api/v1/logs/access').set(headers);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ error: 'unauthorized' });
      }
      expect(h.loki.queries).toHaveLength(0);
    });

    it('answers 401 for an unknown user or no user', async () => {
      expect((await request(h.app).get('/api/v1/logs/access').set(as('mallory'))).status).toBe(401);
      expect(
        (await request(h.app).get('/api/v1/logs/access').set({ 'X-AuditLens-Secret': SECRET })).status
      ).toBe(401);
      expect(h.loki.queries).toHaveLength(0);
    });

    it('accepts a valid Grafana ID token and refuses a forged or mismatching one', async () => {
      const token = await h.grafana.idTokenFor('jane');
      expect(
        (
          await request(h.app)
            .get('/api/v1/logs/access')
            .set({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-Id': token })
        ).status
      ).toBe(200);
      expect(
        (
          await request(h.app)
            .get('/api/v1/logs/access')
            .set({ ...as('bob'), 'X-Grafana-Id': token })
        ).status
      ).toBe(401);
      const forged = `${token.slice(0, -4)}AAAA`;
      expect(
        (
          await request(h.app)
            .get('/api/v1/logs/access')
            .set({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-Id': forged })
        ).status
      ).toBe(401);
    });
  });

  describe('GET /api/v1/logs/:slug', () => {
    it('returns rows newest first with every field, paging by cursor across shared timestamps', async () => {
      const same = ns(T) + 5n;
      h.loki.push([
        access(ns(T - 1000), 'a'),
        access(same, 'b'),
        access(same, 'c'),
        access(same, 'd'),
        access(ns(T + 1000), 'e'),
      ]);
      const seen: AuditRow[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await request(h.app)
          .get('/api/v1/logs/access')
          .query({ ...range, limit: 2, ...(cursor ? { cursor } : {}) })
          .set(as('jane'));
        expect(res.status).toBe(200);
        const body = res.body as LogsResponse;
        seen.push(...body.rows);
        cursor = body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen.map((r) => r.id).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(seen.map((r) => r.id)[0]).toBe('e');
      expect(seen.at(-1)!.id).toBe('a');
      expect(seen[0]).toMatchObject({
        logType: 'access',
        summary: 'event e',
        fields: { user_name: 'bob', client_address: '203.0.113.7', service_name: 'helpdesk' },
      });
      expect(seen[0]!.time).toBe(new Date(T + 1000).toISOString());
      expect(h.loki.queries.every((q) => q.query.startsWith('{audit_log_type="access"}'))).toBe(true);
    });

    it('adds the log type matcher itself, from the path', async () => {
      await request(h.app)
        .get('/api/v1/logs/webhook-failures')
        .query({ ...range, audit_log_type: 'access' })
        .set(as('jane'))
        .expect(400);
      await request(h.app).get('/api/v1/logs/webhook-failures').query(range).set(as('jane')).expect(200);
      expect(h.loki.queries.at(-1)!.query).toBe('{audit_log_type="webhook_failure"}');
    });

    it('answers 400 naming the field for bad input, and 404 for an unknown log type', async () => {
      const bad = await request(h.app)
        .get('/api/v1/logs/access')
        .query({ from: 'yesterday', limit: 5000 })
        .set(as('jane'));
      expect(bad.status).toBe(400);
      expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['from', 'limit']);
      const wrongFilter = await request(h.app)
        .get('/api/v1/logs/activity')
        .query({ portal: 'agent' })
        .set(as('jane'));
      expect(wrongFilter.status).toBe(400);
      expect(wrongFilter.body.issues[0].field).toBe('portal');
      const backwards = await request(h.app)
        .get('/api/v1/logs/activity')
        .query({ from: range.to, to: range.from })
        .set(as('jane'));
      expect(backwards.status).toBe(400);
      expect((await request(h.app).get('/api/v1/logs/secrets').set(as('jane'))).status).toBe(404);
      expect(
        (await request(h.app).get('/api/v1/logs/access').query({ cursor: 'garbage' }).set(as('jane'))).body
          .issues[0].field
      ).toBe('cursor');
    });

    it.each(FILTER_FIELDS.access.map((f) => [f.key, f.lokiField]))(
      'keeps a hostile %s value literal',
      async (key, lokiField) => {
        const hostile = `x"} | ${lokiField}=~".+" \\ \n }`;
        h.loki.push([
          access(ns(T), 'literal', { [lokiField]: hostile }),
          access(ns(T) + 1n, 'other', { [lokiField]: 'someone-else' }),
        ]);
        const res = await request(h.app)
          .get('/api/v1/logs/access')
          .query({ ...range, [key]: hostile })
          .set(as('jane'));
        expect(res.status).toBe(200);
        expect(res.body.rows.map((r: AuditRow) => r.id)).toEqual(['literal']);
        const text = await request(h.app)
          .get('/api/v1/logs/access')
          .query({ ...range, q: '.*' })
          .set(as('jane'));
        expect(text.body.rows).toEqual([]);
      }
    );
  });

  describe('facets and stats', () => {
    it('counts distinct values of a filter field, and events over time by action', async () => {
      h.loki.push([
        access(ns(T), '1', { user_name: 'bob' }),
        access(ns(T) + 1n, '2', { user_name: 'bob', audit_action: 'login_failed' }),
        access(ns(T) + 2n, '3', { user_name: 'jane', audit_action: 'login_failed' }),
      ]);
      const facets = await request(h.app)
        .get('/api/v1/logs/access/facets')
        .query({ ...range, field: 'user' })
        .set(as('jane'));
      expect(facets.body).toEqual({
        field: 'user',
        values: [
          { value: 'bob', count: 2 },
          { value: 'jane', count: 1 },
        ],
        counts: 'exact',
        complete: true,
      });
      const bad = await request(h.app)
        .get('/api/v1/logs/access/facets')
        .query({ ...range, field: 'webhook' })
        .set(as('jane'));
      expect(bad.status).toBe(400);
      const stats = await request(h.app)
        .get('/api/v1/logs/access/stats')
        .query({ ...range, step: 3600, by: 'action' })
        .set(as('jane'));
      expect(stats.status).toBe(200);
      const total = (name: string) =>
        stats.body.series
          .find((s: { name: string }) => s.name === name)
          .points.reduce((n: number, p: [number, number]) => n + p[1], 0);
      expect(total('login_failed')).toBe(2);
      expect(total('login')).toBe(1);
    });
  });

  describe('facets in two steps', () => {
    it('suggests values from a sample with mode=suggest, counts them with mode=exact, and refuses another mode', async () => {
      h.loki.push([
        access(ns(T), '1', { user_name: 'bob' }),
        access(ns(T) + 1n, '2', { user_name: 'bob' }),
        access(ns(T) + 2n, '3', { user_name: 'jane', audit_portal: 'customer' }),
      ]);
      const suggest = await request(h.app)
        .get('/api/v1/logs/access/facets')
        .query({ ...range, field: 'user', mode: 'suggest', portal: 'agent' })
        .set(as('jane'));
      expect(suggest.status).toBe(200);
      expect(suggest.body).toEqual({
        field: 'user',
        values: [{ value: 'bob', count: 2 }],
        counts: 'sample',
        sampled: 2,
        complete: false,
      });
      expect(h.loki.queries.at(-1)!.query).toBe(
        '{audit_log_type="access"} | audit_portal="agent" | keep user_name'
      );
      const exact = await request(h.app)
        .get('/api/v1/logs/access/facets')
        .query({ ...range, field: 'user', mode: 'exact' })
        .set(as('jane'));
      expect(exact.body.values).toEqual([
        { value: 'bob', count: 2 },
        { value: 'jane', count: 1 },
      ]);
      const bad = await request(h.app)
        .get('/api/v1/logs/access/facets')
        .query({ ...range, field: 'user', mode: 'fast' })
        .set(as('jane'));
      expect(bad.status).toBe(400);
      expect(bad.body.issues).toEqual([
        { field: 'mode', message: expect.stringContaining('exact') as unknown as string },
      ]);
    });
  });

  describe('exports', () => {
    async function grant(login: string, slug = 'access'): Promise<string> {
      const res = await request(h.app).post(`/api/v1/logs/${slug}/export-grants`).set(as(login));
      expect(res.status).toBe(200);
      return res.body.grant as string;
    }

    it('queues an export for the requester only, whatever email the body names', async () => {
      const res = await request(h.app)
        .post('/api/v1/exports')
        .set(as('jane'))
        .send({
          grant: await grant('jane'),
          ...range,
          format: 'csv',
          filters: { user: 'bob' },
          timezone: 'Europe/Berlin',
          email: 'attacker@evil.test',
        });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({
        logType: 'access',
        status: 'queued',
        format: 'csv',
        filters: { user: 'bob' },
        timezone: 'Europe/Berlin',
      });
      expect((await h.store.get(res.body.id))!.requester.email).toBe('jane@acme.test');
      expect((await request(h.app).get('/api/v1/exports').set(as('jane'))).body.exports).toHaveLength(1);
      expect((await request(h.app).get('/api/v1/exports').set(as('bob'))).body.exports).toHaveLength(0);
      expect((await request(h.app).get(`/api/v1/exports/${res.body.id}`).set(as('bob'))).status).toBe(404);
      expect((await request(h.app).get(`/api/v1/exports/${res.body.id}/file`).set(as('jane'))).status).toBe(
        404
      );
    });

    it("refuses without a grant, with someone else's grant, or for another log type than the grant's", async () => {
      const body = { ...range, format: 'xlsx' };
      const missing = await request(h.app).post('/api/v1/exports').set(as('jane')).send(body);
      expect(missing.status).toBe(400);
      expect(missing.body.issues[0].field).toBe('grant');
      expect(
        (
          await request(h.app)
            .post('/api/v1/exports')
            .set(as('jane'))
            .send({ ...body, grant: await grant('bob') })
        ).status
      ).toBe(403);
      expect(
        (
          await request(h.app)
            .post('/api/v1/exports')
            .set(as('jane'))
            .send({ ...body, grant: await grant('jane'), logType: 'activity' })
        ).status
      ).toBe(403);
      expect(
        (
          await request(h.app)
            .post('/api/v1/exports')
            .set(as('jane'))
            .send({ ...body, grant: 'x.y' })
        ).status
      ).toBe(403);
    });

    it('answers 400 naming each bad field', async () => {
      const res = await request(h.app)
        .post('/api/v1/exports')
        .set(as('jane'))
        .send({
          grant: await grant('jane'),
          from: 'soon',
          to: range.to,
          format: 'pdf',
          timezone: 'Mars/Olympus',
        });
      expect(res.status).toBe(400);
      expect(res.body.issues.map((i: { field: string }) => i.field).sort()).toEqual([
        'format',
        'from',
        'timezone',
      ]);
      const filters = await request(h.app)
        .post('/api/v1/exports')
        .set(as('jane'))
        .send({ grant: await grant('jane'), ...range, format: 'csv', filters: { webhook: 'x' } });
      expect(filters.body.issues[0].field).toBe('webhook');
      const json = await request(h.app)
        .post('/api/v1/exports')
        .set(as('jane'))
        .set('Content-Type', 'application/json')
        .send('{"grant":');
      expect(json.status).toBe(400);
    });
  });

  describe('health', () => {
    it('reports health and readiness of Loki on the API port, and metrics only on their own app', async () => {
      expect((await request(h.app).get('/healthz')).body).toEqual({ status: 'ok' });
      expect((await request(h.app).get('/readyz')).status).toBe(200);
      // Within five minutes: one request (a longer range is read newest five minutes first).
      await request(h.app)
        .get('/api/v1/logs/access')
        .query({ from: String(Date.now() - 300_000), to: String(Date.now()) })
        .set(as('jane'));
      expect(await request(h.app).get('/metrics')).toMatchObject({
        status: 404,
        body: { error: 'no such route' },
      });
      const metricsApp = createMetricsApp({ metrics: h.metrics, logger: pino({ level: 'silent' }) });
      const metrics = await request(metricsApp).get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/auditlens_loki_requests_total\{outcome="ok"\} 1/);
      expect(metrics.text).toMatch(/auditlens_export_jobs\{state="queued"\} 0/);
      const check = await request(h.app).get('/api/v1/health').set(as('jane'));
      expect(check.body).toEqual({ status: 'ok', user: 'jane' });
      expect((await request(h.app).get('/api/v1/health')).status).toBe(401);
      await h.loki.stop();
      expect((await request(h.app).get('/readyz')).status).toBe(503);
      expect((await request(h.app).get('/api/v1/health').set(as('jane'))).body.status).toBe(
        'loki unreachable'
      );
    });
  });
});
