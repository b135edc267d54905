import express from 'express';
import request from 'supertest';
import { errorHandler } from '../http/error-handler';
import { requireCanonicalPath } from './canonical-path';
import pino from 'pino';

describe('requireCanonicalPath', () => {
  // Behind the guard, a handler that would serve anything: as a service behind a path-normalizing proxy would.
  const app = express();
  app.use(requireCanonicalPath());
  app.use((req, res) => {
    res.json({ served: req.path });
  });
  app.use(errorHandler(pino({ level: 'silent' })));

  it.each([
    '/api/v1/logs/access/../activity',
    '/api/v1/logs/access/%2E%2E/activity',
    '/api/v1/logs/access/..%2Factivity',
    '/api/v1/exports/./x',
    '/api/v1//exports',
  ])('refuses %s with 404', async (path) => {
    const res = await request(app).get(path);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'no such route' });
  });

  it('refuses a malformed %-escape with 400, serving nothing', async () => {
    const res = await request(app).get('/api/v1/logs/%zz');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'the path is not valid percent-encoding',
      issues: [{ field: '(path)', message: 'has a malformed %-escape' }],
    });
  });

  it('lets canonical paths through, a trailing slash and dots inside a segment included', async () => {
    for (const path of [
      '/api/v1/logs/access/facets?x=../y',
      '/api/v1/exports/',
      '/api/v1/exports/a.b/file',
    ]) {
      expect((await request(app).get(path)).status).toBe(200);
    }
  });
});
