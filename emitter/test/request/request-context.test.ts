import express from 'express';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestContext, type RequestContext } from '../../src';

async function contextThrough(trustProxy: boolean, headers: Record<string, string>): Promise<RequestContext> {
  const app = express();
  app.set('trust proxy', trustProxy);
  let seen: RequestContext | undefined;
  app.get('/', (req, res) => {
    seen = requestContext(req);
    res.end();
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/', headers }, (res) => res.resume().on('end', resolve))
      .on('error', reject)
      .end();
  });
  await new Promise((r) => server.close(r));
  return seen!;
}

describe('requestContext', () => {
  it('uses the peer address and ignores X-Forwarded-For when the app does not trust proxies', async () => {
    const ctx = await contextThrough(false, { 'X-Forwarded-For': '203.0.113.9', 'User-Agent': 'curl/8' });
    expect(ctx).toEqual({ ip: '127.0.0.1', userAgent: 'curl/8' });
  });

  it('honours X-Forwarded-For when the app trusts its proxy', async () => {
    const ctx = await contextThrough(true, { 'X-Forwarded-For': '203.0.113.9, 10.0.0.1' });
    expect(ctx.ip).toBe('203.0.113.9');
    expect(ctx.userAgent).toBeUndefined();
  });
});
