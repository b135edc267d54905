import request from 'supertest';
import type { AuditRow, FacetsResponse, LogsResponse, StatsResponse } from '@auditlens/contract';
import { startHarness, SECRET, type Harness } from '../../test/support/harness';
import type { SeedEntry } from '@auditlens/loki/double';

const MS = 1_000_000n;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const T = Date.parse('2026-11-20T10:00:00Z');
const ns = (ms: number) => BigInt(ms) * MS;
const as = { 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': 'jane' };
const MAX_QUERY_LENGTH_NS = ns(721 * HOUR_MS);

/** An access event every 6 hours over the 40 days before T, three of them sharing one nanosecond, bob or jane. */
function seed(): SeedEntry[] {
  const entries: SeedEntry[] = [];
  for (let i = 0; i < 160; i++) {
    const ts = i >= 100 && i < 103 ? ns(T - 30 * DAY_MS) + 5n : ns(T - 40 * DAY_MS + i * 6 * HOUR_MS) + 1n;
    entries.push({
      ts,
      line: `event ${i}`,
      labels: { service_name: 'helpdesk', audit_log_type: 'access' },
      metadata: {
        audit_event_id: `id-${String(i).padStart(3, '0')}`,
        user_name: i % 4 === 0 ? 'jane' : 'bob',
        audit_action: i % 2 === 0 ? 'login' : 'logout',
        audit_outcome: 'success',
      },
    });
  }
  return entries;
}

/** Every query_range the double answered spans at most Loki's max_query_length. */
function expectWithinLimits(h: Harness): void {
  for (const q of h.loki.queries.filter((q) => q.params.has('start'))) {
    expect(BigInt(q.params.get('end')!) - BigInt(q.params.get('start')!)).toBeLessThanOrEqual(
      MAX_QUERY_LENGTH_NS
    );
  }
}

describe('reading ranges longer than Loki’s max_query_length', () => {
  let h: Harness;
  const days = (n: number, to = T) => ({ from: String(to - n * DAY_MS), to: String(to) });

  afterEach(() => h.stop());

  describe('with the service told Loki’s limit (721h, the default)', () => {
    beforeEach(async () => {
      // Paging 40 days a few rows at a time is a burst of requests: the per-user rate limit is not under test.
      h = await startHarness({ app: { ratePerSecond: 1000, rateBurst: 1000 } });
      h.loki.push(seed());
    });

    it('lists 40 days newest first across windows, paging by cursor, every event once', async () => {
      const seen: AuditRow[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 50; pages++) {
        const res = await request(h.app)
          .get('/api/v1/logs/access')
          .query({ ...days(40), limit: 7, ...(cursor ? { cursor } : {}) })
          .set(as);
        expect(res.status).toBe(200);
        const body = res.body as LogsResponse;
        seen.push(...body.rows);
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      expect(cursor).toBeNull();
      expect(seen).toHaveLength(160);
      expect(new Set(seen.map((r) => r.id)).size).toBe(160);
      const times = seen.map((r) => BigInt(r.timestamp));
      for (let i = 1; i < times.length; i++) expect(times[i]! <= times[i - 1]!).toBe(true);
      expectWithinLimits(h);
    });

    it('finds the only events of a year in its oldest window', async () => {
      const res = await request(h.app)
        .get('/api/v1/logs/access')
        .query({ from: String(T - 366 * DAY_MS), to: String(T - 39 * DAY_MS), limit: 10 })
        .set(as);
      expect(res.status).toBe(200);
      expect((res.body as LogsResponse).rows.map((r) => r.id)).toEqual([
        'id-003',
        'id-002',
        'id-001',
        'id-000',
      ]);
      expectWithinLimits(h);
    });

    it('counts facets over exactly the 40 days', async () => {
      const res = await request(h.app)
        .get('/api/v1/logs/access/facets')
        .query({ ...days(40), field: 'user' })
        .set(as);
      expect(res.status).toBe(200);
      expect(res.body as FacetsResponse).toEqual({
        field: 'user',
        values: [
          { value: 'bob', count: 120 },
          { value: 'jane', count: 40 },
        ],
        counts: 'exact',
        complete: true,
      });
    });

    it('answers stats over 366 days with a step that keeps each series within 11,000 points', async () => {
      const res = await request(h.app)
        .get('/api/v1/logs/access/stats')
        .query({ ...days(366), by: 'action' })
        .set(as);
      expect(res.status).toBe(200);
      const body = res.body as StatsResponse;
      expect(body.step).toBe(Math.ceil((366 * 86_400) / 120));
      const total = (name: string) =>
        body.series.find((s) => s.name === name)!.points.reduce((n, [, v]) => n + v, 0);
      expect(total('login')).toBe(80);
      expect(total('logout')).toBe(80);
      for (const s of body.series) expect(s.points.length).toBeLessThanOrEqual(11_000);
      expectWithinLimits(h);
      const finest = await request(h.app)
        .get('/api/v1/logs/access/stats')
        .query({ ...days(366), by: 'outcome', step: 2876 })
        .set(as);
      expect(finest.status).toBe(200);
      expect((finest.body as StatsResponse).series[0]!.points.reduce((n, [, v]) => n + v, 0)).toBe(160);
    });

    it('refuses a step too small for the range, or as long as max_query_length, naming step', async () => {
      const small = await request(h.app)
        .get('/api/v1/logs/access/stats')
        .query({ ...days(366), step: 1 })
        .set(as);
      expect(small.status).toBe(400);
      expect(small.body.issues).toEqual([
        {
          field: 'step',
          message:
            'must be at least 2876 seconds for this range: Loki answers at most 11,000 points per series',
        },
      ]);
      const long = await request(h.app)
        .get('/api/v1/logs/access/stats')
        .query({ ...days(366), step: 721 * 3600 })
        .set(as);
      expect(long.status).toBe(400);
      expect(long.body.issues[0].field).toBe('step');
    });
  });

  describe('when Loki refuses a query', () => {
    beforeEach(async () => {
      // The service believes Loki has no length limit; the double keeps Loki's 721h.
      h = await startHarness({ app: { maxQueryLengthNs: 0n, ratePerSecond: 1000, rateBurst: 1000 } });
      h.loki.push(seed());
    });

    it("answers 400 with Loki's reason for lists and stats, and still 502 when Loki fails", async () => {
      // Lists read the newest five minutes first and grow (each window three times all before it): the page is not
      // full after 341 h 20 min, and the next window, the remaining 762 h 40 min of the 46 days, is more than Loki takes.
      const list = await request(h.app).get('/api/v1/logs/access').query(days(46)).set(as);
      expect(list.status).toBe(400);
      expect(list.body.error).toBe(
        'Loki rejected the query: Loki answered 400: the query time range exceeds the limit (query length: 762h40m0s, limit: 30d1h)'
      );
      // Stats ask for whole steps: 40 days and the 8-hour step Loki's grid adds.
      const stats = await request(h.app).get('/api/v1/logs/access/stats').query(days(40)).set(as);
      expect(stats.status).toBe(400);
      expect(stats.body.error).toBe(
        'Loki rejected the query: Loki answered 400: the query time range exceeds the limit (query length: 968h0m0s, limit: 30d1h)'
      );
      h.loki.failNext(1, 503);
      const down = await request(h.app).get('/api/v1/logs/access').query(days(1)).set(as);
      expect(down.status).toBe(502);
    });
  });
});
