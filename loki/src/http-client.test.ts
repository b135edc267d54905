import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LokiDouble } from '../test/loki-double/loki-double';
import { HttpLokiClient } from './http-client';
import { UpstreamError } from './errors';

const T0 = 1_795_000_000_000_000_000n;
const QUERY = '{audit_log_type="access"}';
const query = { query: QUERY, start: T0, end: T0 + 1000n, limit: 100, direction: 'forward' } as const;

/** What a failed call threw, as the fields callers act on. */
async function failure(call: Promise<unknown>) {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e
  );
  expect(error).toBeInstanceOf(UpstreamError);
  const { message, retryable, upstreamStatus } = error as UpstreamError;
  return { message, retryable, upstreamStatus };
}

describe('HttpLokiClient', () => {
  let loki: LokiDouble;
  const outcomes: string[] = [];

  beforeEach(async () => {
    loki = await LokiDouble.start();
    outcomes.length = 0;
  });
  afterEach(() => loki.stop());

  const client = (over: { timeoutMs?: number; tenant?: string; url?: string } = {}) =>
    new HttpLokiClient({ url: loki.url, timeoutMs: 2000, onRequest: (o) => outcomes.push(o), ...over });

  it('reads entries oldest first with their labels and metadata, sending the encoding flag and tenant', async () => {
    const labels = { service_name: 'helpdesk', audit_log_type: 'access' };
    loki.push([
      { ts: T0 + 2n, line: 'second', labels, metadata: { user_name: 'bob' } },
      { ts: T0 + 1n, line: 'first ünïcødé', labels, metadata: { user_name: 'jane' } },
      { ts: T0 + 3n, line: 'other stream', labels: { ...labels, service_name: 'billing' } },
    ]);
    const entries = await client({ tenant: 'acme' }).queryLogs(query);
    expect(entries.map((e) => [e.ts, e.line, e.labels.service_name, e.metadata.user_name])).toEqual([
      [T0 + 1n, 'first ünïcødé', 'helpdesk', 'jane'],
      [T0 + 2n, 'second', 'helpdesk', 'bob'],
      [T0 + 3n, 'other stream', 'billing', undefined],
    ]);
    const sent = loki.queries.at(-1)!;
    expect(sent.headers['x-loki-response-encoding-flags']).toBe('categorize-labels');
    expect(sent.headers['x-scope-orgid']).toBe('acme');
    expect(sent.params.get('query')).toBe(QUERY);
    expect(sent.params.get('direction')).toBe('forward');
    expect(outcomes).toEqual(['ok']);
  });

  it('asks an instant query at its exact nanosecond and reads one value per series', async () => {
    const labels = { service_name: 'helpdesk', audit_log_type: 'access' };
    loki.push([
      { ts: T0 + 5n, line: 'a', labels, metadata: { user_name: 'bob' } },
      { ts: T0 + 6n, line: 'b', labels, metadata: { user_name: 'bob' } },
      { ts: T0 + 7n, line: 'c', labels, metadata: { user_name: 'jane' } },
    ]);
    const series = await client().queryInstant({
      query: `sum by (user_name) (count_over_time(${QUERY} [1s]))`,
      time: T0 + 6n,
    });
    expect(series).toEqual([{ metric: { user_name: 'bob' }, values: [[Number(T0 / 1_000_000n) / 1000, 2]] }]);
    expect(loki.queries.at(-1)!.params.get('time')).toBe(String(T0 + 6n));
    await expect(client().queryInstant({ query: QUERY, time: T0 })).rejects.toMatchObject({
      retryable: false,
      upstreamStatus: 400,
    });
  });

  it("fails a 4xx with Loki's message, not to be retried", async () => {
    const f = await failure(client().queryLogs({ ...query, limit: 6000 }));
    expect(f).toEqual({
      message: expect.stringMatching(/^Loki answered 400: max entries limit per query exceeded/),
      retryable: false,
      upstreamStatus: 400,
    });
    expect(outcomes).toEqual(['error']);
  });

  it('fails a 5xx as retryable', async () => {
    loki.failNext(1, 503);
    expect(await failure(client().queryLogs(query))).toEqual({
      message: 'Loki answered 503: injected failure',
      retryable: true,
      upstreamStatus: 503,
    });
  });

  it('gives up on a request that gets no answer within its timeout, as retryable', async () => {
    loki.hangNext(1);
    expect(await failure(client({ timeoutMs: 200 }).queryLogs(query))).toEqual({
      message: 'Loki timed out',
      retryable: true,
      upstreamStatus: undefined,
    });
  });

  it('reports a Loki that is not listening as unreachable, and not ready', async () => {
    const down = client({ url: 'http://127.0.0.1:1' });
    expect(await failure(down.queryLogs(query))).toMatchObject({
      message: 'Loki is unreachable',
      retryable: true,
    });
    expect(await down.ready()).toBe(false);
    expect(await client().ready()).toBe(true);
  });

  it('fails an answer that is not JSON as retryable', async () => {
    const garbage: Server = createServer((_req, res) => res.end('{"status":"succ'));
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
      expect(await failure(client({ url }).queryLogs(query))).toEqual({
        message: 'Loki answered with invalid JSON',
        retryable: true,
        upstreamStatus: 200,
      });
    } finally {
      await new Promise<void>((resolve) => garbage.close(() => resolve()));
    }
  });
});
