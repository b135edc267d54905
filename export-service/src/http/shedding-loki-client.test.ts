import { ClientGoneError, TooManyRequestsError } from './errors';
import { requestSignal, runWithRequestSignal, withoutRequestSignal } from './request-signal';
import { SheddingLokiClient } from './shedding-loki-client';
import type { LogQueryParams, LokiClient, LokiEntry } from '@auditlens/loki';

/** A LokiClient whose queries wait until the test answers them, recording each call and its signal. */
class GatedLoki implements LokiClient {
  readonly calls: Array<{
    params: LogQueryParams;
    answer: (entries: LokiEntry[]) => void;
    fail: (error: Error) => void;
  }> = [];

  queryLogs(params: LogQueryParams): Promise<LokiEntry[]> {
    return new Promise<LokiEntry[]>((resolve, reject) => {
      this.calls.push({ params, answer: resolve, fail: reject });
      params.signal?.addEventListener('abort', () => reject(new Error('aborted at Loki')), { once: true });
    });
  }
  queryMetrics(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  queryInstant(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  ready(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

const entry = (line: string): LokiEntry => ({ ts: 1n, line, labels: {}, metadata: {} });
const params = (query: string, signal?: AbortSignal): LogQueryParams => ({
  query,
  start: 0n,
  end: 10n,
  limit: 100,
  direction: 'backward',
  signal,
});
const settled = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error })
  );
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('SheddingLokiClient', () => {
  it('keeps at most maxInFlight queries at Loki, queues a few, and refuses the rest at once with a 429', async () => {
    const loki = new GatedLoki();
    const outcomes: string[] = [];
    const client = new SheddingLokiClient(loki, {
      maxInFlight: 2,
      maxQueued: 1,
      shareMs: 0,
      onOutcome: (o) => outcomes.push(o),
    });
    const a = settled(client.queryLogs(params('a')));
    const b = settled(client.queryLogs(params('b')));
    const c = settled(client.queryLogs(params('c')));
    const refused = await settled(client.queryLogs(params('d')));
    expect(refused).toEqual({ error: expect.any(TooManyRequestsError) });
    expect((refused as { error: TooManyRequestsError }).error.retryAfterSeconds).toBe(2);
    expect(loki.calls.map((x) => x.params.query)).toEqual(['a', 'b']);
    expect(client.load).toEqual({ inFlight: 2, queued: 1 });
    loki.calls[0]!.answer([entry('a')]);
    await turn();
    expect(loki.calls.map((x) => x.params.query)).toEqual(['a', 'b', 'c']);
    loki.calls[1]!.answer([]);
    loki.calls[2]!.answer([]);
    expect(await a).toEqual({ value: [entry('a')] });
    await Promise.all([b, c]);
    expect(client.load).toEqual({ inFlight: 0, queued: 0 });
    expect(outcomes.sort()).toEqual(['queried', 'queried', 'queried', 'shed']);
  });

  it('refuses a query that waited longer than maxWaitMs for a slot', async () => {
    const loki = new GatedLoki();
    const client = new SheddingLokiClient(loki, { maxInFlight: 1, maxWaitMs: 20, shareMs: 0 });
    void settled(client.queryLogs(params('a')));
    const waited = await settled(client.queryLogs(params('b')));
    expect(waited).toEqual({ error: expect.any(TooManyRequestsError) });
    expect(loki.calls).toHaveLength(1);
    expect(client.load.queued).toBe(0);
  });

  it("waits in the queue only as long as Loki's recent answer time leaves of answerWithinMs", async () => {
    const loki = new GatedLoki();
    let clock = 0;
    const client = new SheddingLokiClient(loki, {
      maxInFlight: 1,
      shareMs: 0,
      answerWithinMs: 4000,
      now: () => clock,
    });
    const answerAfter = async (ms: number, query: Promise<unknown>) => {
      clock += ms;
      loki.calls.at(-1)!.answer([]);
      await query;
    };
    await answerAfter(3000, client.queryLogs(params('a')));
    // Loki answers in 3 s: a query may still wait (up to 1 s) for the busy slot.
    const b = client.queryLogs(params('b'));
    const c = client.queryLogs(params('c'));
    expect(client.load).toEqual({ inFlight: 1, queued: 1 });
    await answerAfter(6000, b);
    await answerAfter(6000, c);
    // Now Loki answers in over 4 s on average: a query that would have to wait is refused at once.
    const d = client.queryLogs(params('d'));
    expect(await settled(client.queryLogs(params('e')))).toEqual({ error: expect.any(TooManyRequestsError) });
    expect(client.load).toEqual({ inFlight: 1, queued: 0 });
    await answerAfter(100, d);
  });

  it('shares one Loki query between identical queries in flight and for shareMs after its answer', async () => {
    const loki = new GatedLoki();
    const outcomes: string[] = [];
    const client = new SheddingLokiClient(loki, { shareMs: 60_000, onOutcome: (o) => outcomes.push(o) });
    const first = client.queryLogs(params('same'));
    const second = client.queryLogs(params('same'));
    const other = client.queryLogs(params('other'));
    expect(loki.calls).toHaveLength(2);
    loki.calls[0]!.answer([entry('x')]);
    loki.calls[1]!.answer([entry('y')]);
    const [a, b] = await Promise.all([first, second, other]);
    expect(a).toEqual([entry('x')]);
    expect(b).toEqual([entry('x')]);
    expect(a).not.toBe(b); // each caller gets an array of its own
    expect(await client.queryLogs(params('same'))).toEqual([entry('x')]);
    expect(loki.calls).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'shared')).toHaveLength(2);
  });

  it('asks Loki again after shareMs, and does not keep failures', async () => {
    const loki = new GatedLoki();
    const client = new SheddingLokiClient(loki, { shareMs: 1 });
    const first = client.queryLogs(params('q'));
    loki.calls[0]!.fail(new Error('Loki answered 503'));
    await expect(first).rejects.toThrow('Loki answered 503');
    const second = client.queryLogs(params('q'));
    expect(loki.calls).toHaveLength(2);
    loki.calls[1]!.answer([]);
    await second;
    await new Promise((resolve) => setTimeout(resolve, 5));
    void client.queryLogs(params('q'));
    expect(loki.calls).toHaveLength(3);
    loki.calls[2]!.answer([]);
  });

  it('cancels a query at Loki once every caller waiting for it has gone, not before', async () => {
    const loki = new GatedLoki();
    const client = new SheddingLokiClient(loki, { shareMs: 5000 });
    const one = new AbortController();
    const two = new AbortController();
    const a = settled(client.queryLogs(params('q', one.signal)));
    const b = settled(client.queryLogs(params('q', two.signal)));
    expect(loki.calls).toHaveLength(1);
    one.abort();
    expect(await a).toEqual({ error: expect.any(ClientGoneError) });
    expect(loki.calls[0]!.params.signal!.aborted).toBe(false);
    two.abort();
    expect(await b).toEqual({ error: expect.any(ClientGoneError) });
    expect(loki.calls[0]!.params.signal!.aborted).toBe(true);
    expect(client.load.inFlight).toBe(0);
    // The cancelled query is not shared with the next caller.
    void client.queryLogs(params('q'));
    expect(loki.calls).toHaveLength(2);
    loki.calls[1]!.answer([]);
  });

  it('leaves the queue when its caller goes, and takes the signal of the request being served', async () => {
    const loki = new GatedLoki();
    const client = new SheddingLokiClient(loki, { maxInFlight: 1, shareMs: 0, ambientSignal: requestSignal });
    const request = new AbortController();
    const running = runWithRequestSignal(request.signal, () => settled(client.queryLogs(params('a'))));
    const queuedCaller = new AbortController();
    const queued = settled(client.queryLogs(params('b', queuedCaller.signal)));
    expect(client.load).toEqual({ inFlight: 1, queued: 1 });
    queuedCaller.abort();
    expect(await queued).toEqual({ error: expect.any(ClientGoneError) });
    expect(client.load).toEqual({ inFlight: 1, queued: 0 });
    request.abort();
    expect(loki.calls[0]!.params.signal!.aborted).toBe(true);
    expect(await running).toEqual({ error: expect.any(Error) });
    expect(client.load).toEqual({ inFlight: 0, queued: 0 });
    expect(loki.calls).toHaveLength(1);
  });
});

describe('request signal', () => {
  it('is not seen by work started outside the request, such as an export the request woke', async () => {
    const loki = new GatedLoki();
    const client = new SheddingLokiClient(loki, { shareMs: 0, ambientSignal: requestSignal });
    const request = new AbortController();
    const work = runWithRequestSignal(request.signal, () =>
      withoutRequestSignal(() => settled(client.queryLogs(params('export page'))))
    );
    request.abort();
    expect(loki.calls[0]!.params.signal!.aborted).toBe(false);
    loki.calls[0]!.answer([entry('kept')]);
    expect(await work).toEqual({ value: [entry('kept')] });
  });
});
