import request from 'supertest';
import type { ApiError } from '@auditlens/contract';
import { UpstreamError } from './errors';
import type { LokiClient } from '@auditlens/loki';
import { startHarness, SECRET, type Harness } from '../../test/support/harness';

const as = (login: string) => ({ 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': login });

/** Every answer of the service is JSON in the one ApiError shape, with nothing but `error`, `issues`, `retryAfter`. */
function expectApiError(res: request.Response, status: number): ApiError {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.body as ApiError;
  expect(typeof body.error).toBe('string');
  expect(Object.keys(body).every((k) => ['error', 'issues', 'retryAfter'].includes(k))).toBe(true);
  return body;
}

describe('errors of every route', () => {
  let h: Harness;
  afterEach(() => h.stop());

  describe('client mistakes are 4xx', () => {
    beforeEach(async () => {
      h = await startHarness();
    });

    it('answers 413 for a body over the limit', async () => {
      const res = await request(h.app)
        .post('/api/v1/exports')
        .set(as('jane'))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ grant: 'x'.repeat(70_000) }));
      expect(expectApiError(res, 413).error).toBe('the request body is too large');
    });

    it('answers 415 for a charset or content encoding it does not read', async () => {
      const charset = await request(h.app)
        .post('/api/v1/exports')
        .set(as('jane'))
        .set('Content-Type', 'application/json; charset=x-klingon')
        .send('{}');
      expect(expectApiError(charset, 415).error).toBe('the body must be UTF-8 JSON');
      const encoding = await request(h.app)
        .post('/api/v1/exports')
        .set(as('jane'))
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'compress')
        .send('{}');
      expectApiError(encoding, 415);
      const corrupt = await request(h.app)
        .post('/api/v1/exports')
        .set(as('jane'))
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .send('{"not": "gzip"}');
      expect(expectApiError(corrupt, 400).error).toBe('the body is not valid gzip or deflate data');
    });

    it('answers 400 for malformed JSON and for a malformed percent-encoding in the path', async () => {
      const json = await request(h.app)
        .post('/api/v1/exports')
        .set(as('jane'))
        .set('Content-Type', 'application/json')
        .send('{"grant":');
      expect(expectApiError(json, 400).issues).toEqual([{ field: '(body)', message: 'is not valid JSON' }]);
      for (const path of ['/api/v1/exports/%E0%A4%A', '/api/v1/logs/%ZZ', '/api/v1/exports/abc%/file']) {
        const res = await request(h.app).get(path).set(as('jane'));
        expect(expectApiError(res, 400).issues).toEqual([
          { field: '(path)', message: 'has a malformed %-escape' },
        ]);
      }
    });

    it.each(['99999999999999999', '1969-12-31T23:59:59Z', '+275760-09-13T00:00:00.000Z'])(
      'answers 400 for a time outside what Loki stores (%s)',
      async (from) => {
        const res = await request(h.app).get('/api/v1/logs/access').query({ from }).set(as('jane'));
        expect(expectApiError(res, 400).issues).toEqual([
          { field: 'from', message: 'must be between 1970 and 2262' },
        ]);
      }
    );

    it('answers a JSON 404 inside and outside /api/v1', async () => {
      for (const path of ['/', '/nope', '/api/v2/logs', '/api/v1/nope']) {
        const res = await request(h.app).get(path).set(as('jane'));
        expect(expectApiError(res, 404).error).toBe('no such route');
      }
    });

    it('answers 401 before anything else without the secret', async () => {
      const res = await request(h.app).post('/api/v1/exports').send('x'.repeat(100_000));
      expect(expectApiError(res, 401)).toEqual({ error: 'unauthorized' });
    });
  });

  describe('server failures say nothing internal', () => {
    const failing = (error: Error): LokiClient => ({
      queryLogs: () => Promise.reject(error),
      queryMetrics: () => Promise.reject(error),
      queryInstant: () => Promise.reject(error),
      ready: () => Promise.resolve(true),
    });

    it('answers 500 "internal error" for an unexpected error', async () => {
      h = await startHarness({
        app: { loki: failing(new Error('EACCES: /var/lib/auditlens/secret.db at 10.0.0.7:5432')) },
      });
      const res = await request(h.app).get('/api/v1/logs/access').set(as('jane'));
      expect(expectApiError(res, 500)).toEqual({ error: 'internal error' });
    });

    it("answers 502 without Loki's 5xx body or address, and 400 with Loki's 4xx text about the query", async () => {
      h = await startHarness({
        app: {
          loki: failing(
            new UpstreamError('loki', 'Loki answered 500: dial tcp 10.0.0.9:9095: refused', true, 500)
          ),
        },
      });
      const down = await request(h.app).get('/api/v1/logs/access').set(as('jane'));
      expect(expectApiError(down, 502)).toEqual({ error: 'Loki is not answering; try again in a moment' });
      await h.stop();
      h = await startHarness({
        app: {
          loki: failing(new UpstreamError('loki', 'Loki answered 400: parse error at line 1', false, 400)),
        },
      });
      const rejected = await request(h.app).get('/api/v1/logs/access').set(as('jane'));
      expect(expectApiError(rejected, 400)).toEqual({
        error: 'Loki rejected the query: Loki answered 400: parse error at line 1',
      });
    });
  });

  describe('limits are 429 with Retry-After', () => {
    it('limits each user to a rate with bursts, separately', async () => {
      h = await startHarness({ app: { ratePerSecond: 1, rateBurst: 3 } });
      for (let i = 0; i < 3; i++)
        expect((await request(h.app).get('/api/v1/exports').set(as('jane'))).status).toBe(200);
      const limited = await request(h.app).get('/api/v1/logs/access').set(as('jane'));
      const body = expectApiError(limited, 429);
      expect(body.error).toBe('too many requests: at most 1 a second; try again in a moment');
      expect(body.retryAfter).toBe(1);
      expect(limited.headers['retry-after']).toBe('1');
      expect((await request(h.app).get('/api/v1/exports').set(as('bob'))).status).toBe(200);
      expect(h.loki.queries).toHaveLength(0);
    });
  });
});
