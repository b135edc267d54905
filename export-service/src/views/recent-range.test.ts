import request from 'supertest';
import { checkRange } from './time-range';
import { SheddingLokiClient } from '../http/shedding-loki-client';
import { startHarness, SECRET } from '../../test/support/harness';
import { alignRecentRange } from './recent-range';

describe('alignRecentRange', () => {
  const now = Date.parse('2026-11-20T10:00:07.300Z');

  it('moves both ends of a range that ends now back to a multiple of the window', () => {
    const r = alignRecentRange(checkRange(new Date(now - 3600_000), new Date(now - 200), 366), 5000, now);
    expect([r.from.toISOString(), r.to.toISOString()]).toEqual([
      '2026-11-20T09:00:05.000Z',
      '2026-11-20T10:00:05.000Z',
    ]);
    expect(r.end).toBe(BigInt(Date.parse('2026-11-20T10:00:05.000Z')) * 1_000_000n);
  });

  it('reads a range in the past, a range shorter than the window, or any range with window 0 as asked', () => {
    const past = checkRange(new Date(now - 7200_000 + 123), new Date(now - 3600_000 + 456), 366);
    expect(alignRecentRange(past, 5000, now)).toBe(past);
    const short = checkRange(new Date(now - 1000), new Date(now), 366);
    expect(alignRecentRange(short, 5000, now)).toBe(short);
    const recent = checkRange(new Date(now - 3600_000), new Date(now), 366);
    expect(alignRecentRange(recent, 0, now)).toBe(recent);
  });

  it('lets pages opened a moment apart share one Loki query', async () => {
    const h = await startHarness({
      app: (lokiClient) => ({
        loki: new SheddingLokiClient(lokiClient, { shareMs: 60_000 }),
        shareWindowMs: 60_000,
      }),
    });
    try {
      let first = 0;
      for (const offset of [0, 3, 17]) {
        const to = Date.now() - offset;
        const res = await request(h.app)
          .get('/api/v1/logs/access')
          .query({ from: to - 3600_000, to, user: 'bob' })
          .set({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': 'jane' });
        expect(res.status).toBe(200);
        first ||= h.loki.queries.length;
      }
      // The first page's queries at Loki (its windows, newest first) and no more, unless the minute turned between
      // two of the requests.
      expect(first).toBeGreaterThan(0);
      expect(h.loki.queries.length).toBeLessThanOrEqual(2 * first);
    } finally {
      await h.stop();
    }
  });
});
