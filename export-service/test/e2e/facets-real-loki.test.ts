/**
 * Facets in two steps and kept counts on a real Loki: 1500 access events of the last 105 minutes, 600 users among
 * them (each hour more than Loki's `max_query_series` of 500), events exactly on whole hours, read through the
 * service's LogReader with its caches on and checked against what was pushed. Not older: pushed at once over 170
 * minutes, the oldest 9 minutes of events were not answered by Loki 3.7.6 right after the push (a stream spanning
 * more than `max_chunk_age`, 2 h, seems to be cut and flushed at once, out of the ingesters' reach). Runs against
 * the real Loki when LOKI_BIN or LOKI_URL is set, against the Loki double otherwise (the output says which).
 */
import { ATTR, SERVICE_NAME_ATTR, type FacetsResponse } from '@auditlens/contract';
import { hasRealLoki, lokiForTests, type LokiTarget } from '@auditlens/testkit';
import { LogReader } from '../../src/views/log-reader';
import { LokiDouble } from '@auditlens/loki/double';
import { HttpLokiClient } from '@auditlens/loki';
import type { NsRange } from '../../src/views/time-range';

const MS = 1_000_000n;
const HOUR_MS = 3_600_000;
// A service name of its own, so a run against a shared Loki (LOKI_URL) sees only its own events.
const SERVICE = `facets-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;

interface Pushed {
  readonly ts: bigint;
  readonly user: string;
  readonly portal: string;
}

const kv = (key: string, value: string) => ({ key, value: { stringValue: value } });

describe(`facets on ${hasRealLoki() ? 'a real Loki' : 'the Loki double'}`, () => {
  let target: LokiTarget;
  let fake: LokiDouble | undefined;
  let url: string;
  const pushed: Pushed[] = [];
  // The end of the counted range: a whole millisecond after every event.
  const now = Date.now();
  let clock = now;
  const range = (toMs: number): NsRange => ({
    from: new Date(toMs - 2 * HOUR_MS),
    to: new Date(toMs),
    start: BigInt(toMs - 2 * HOUR_MS) * MS,
    end: BigInt(toMs) * MS,
  });

  beforeAll(async () => {
    target = await lokiForTests('export-service facets test');
    if (target.kind === 'real') url = target.url;
    else {
      fake = await LokiDouble.start();
      url = fake.url;
    }
    const first = now - 105 * 60_000;
    for (let i = 0; i < 1200; i++) {
      pushed.push({
        ts: BigInt(first + i * 5000) * MS + BigInt(i),
        user: `u${i % 600}`,
        portal: i % 3 ? 'agent' : 'customer',
      });
    }
    for (let i = 0; i < 297; i++)
      pushed.push({ ts: BigInt(first + i * 20_000 + 1) * MS, user: 'jane', portal: 'agent' });
    const hour = Math.ceil(first / HOUR_MS) * HOUR_MS;
    for (const h of [hour, hour + HOUR_MS].filter((t) => t < now - 60_000))
      pushed.push({ ts: BigInt(h) * MS, user: 'edge', portal: 'customer' });
    pushed.sort((a, b) => (a.ts < b.ts ? -1 : 1));
    const records = pushed.map((p, i) => ({
      timeUnixNano: String(p.ts),
      body: { stringValue: `${p.user} logged in` },
      attributes: [
        kv(ATTR.eventId, `f${i}`),
        kv(ATTR.userName, p.user),
        kv(ATTR.portal, p.portal),
        kv(ATTR.action, 'login'),
      ],
    }));
    const res = await fetch(`${url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [kv(SERVICE_NAME_ATTR, SERVICE), kv(ATTR.logType, 'access')] },
            scopeLogs: [{ logRecords: records }],
          },
        ],
      }),
    });
    expect(res.status).toBe(204);
  }, 60_000);
  afterAll(async () => {
    await fake?.stop();
    await target?.release();
  });

  const reader = () =>
    new LogReader(new HttpLokiClient({ url, timeoutMs: 30_000 }), {
      serviceName: SERVICE,
      maxEntries: 5000,
      // Nothing is pushed after the start: every hour that has ended is settled (a range of 2 h holds one).
      caching: { values: 100_000, settleMs: 0, sampleTtlMs: 60_000 },
      now: () => clock,
    });

  function expected(field: 'user' | 'portal', r: NsRange): Map<string, number> {
    const counts = new Map<string, number>();
    for (const p of pushed)
      if (p.ts >= r.start && p.ts < r.end) counts.set(p[field], (counts.get(p[field]) ?? 0) + 1);
    return counts;
  }
  const asMap = (res: FacetsResponse) => new Map(res.values.map((v) => [v.value, v.count]));

  it('counts every value of a field exactly, events on whole hours once, and the same again from kept hours', async () => {
    const r = reader();
    const first = await r.facets('access', range(now), 'portal', {});
    expect(first.complete).toBe(true);
    expect(asMap(first)).toEqual(expected('portal', range(now)));
    clock = now + 5000;
    const later = range(now + 5000);
    const again = await r.facets('access', later, 'portal', {});
    expect(asMap(again)).toEqual(expected('portal', later));
    expect(r.cachedValues).toBeGreaterThan(0);
  }, 60_000);

  it('counts the most frequent sampled values of a field with more values than Loki counts at once', async () => {
    clock = now;
    const r = reader();
    const res = await r.facets('access', range(now), 'user', {});
    expect(res.complete).toBe(false);
    expect(res.values).toHaveLength(100);
    expect(res.values[0]).toEqual({ value: 'jane', count: 297 });
    const all = expected('user', range(now));
    for (const v of res.values) expect(v.count).toBe(all.get(v.value));
  }, 60_000);

  it('suggests the values of the newest events', async () => {
    clock = now;
    const res = await reader().facets('access', range(now), 'user', {}, 'suggest');
    expect(res.counts).toBe('sample');
    expect(res.sampled).toBe(pushed.filter((p) => p.ts >= range(now).start).length);
    expect(asMap(res)).toEqual(expected('user', range(now)));
  }, 60_000);
});
