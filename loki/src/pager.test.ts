import { LokiDouble, type SeedEntry } from '../test/loki-double/loki-double';
import { HttpLokiClient } from './http-client';
import { PageSizer } from './page-sizer';
import { readAllEntries, type Page, type PagerCheckpoint } from './pager';
import { UpstreamError } from './errors';

const LABELS = { service_name: 'helpdesk', audit_log_type: 'access' };
const QUERY = '{audit_log_type="access"}';
const T0 = 1_795_000_000_000_000_000n;
const fastRetry = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

let counter = 0;
function entry(ts: bigint): SeedEntry {
  const id = `0190-${(counter++).toString(16).padStart(8, '0')}-${Math.random().toString(16).slice(2, 10)}`;
  return { ts, line: `event ${id}`, labels: LABELS, metadata: { audit_event_id: id, user_name: 'bob' } };
}

async function readIds(
  client: HttpLokiClient,
  pageSize: number,
  extra: { checkpoint?: PagerCheckpoint } = {}
) {
  const ids: string[] = [];
  for await (const page of readAllEntries(client, {
    query: QUERY,
    start: T0,
    end: T0 + 10_000n,
    pageSize,
    retry: fastRetry,
    ...extra,
  })) {
    for (const e of page.entries) ids.push(e.metadata['audit_event_id']!);
  }
  return ids;
}

describe('readAllEntries', () => {
  let loki: LokiDouble;
  let client: HttpLokiClient;

  beforeEach(async () => {
    loki = await LokiDouble.start();
    client = new HttpLokiClient({ url: loki.url, timeoutMs: 2000 });
  });
  afterEach(() => loki.stop());

  it('reads every event once, in order, with duplicate timestamps across page boundaries', async () => {
    const seeded = [
      entry(T0),
      entry(T0 + 1n),
      entry(T0 + 2n),
      entry(T0 + 3n),
      entry(T0 + 3n),
      entry(T0 + 3n),
      entry(T0 + 3n),
      entry(T0 + 3n),
      entry(T0 + 4n),
      entry(T0 + 9_999n),
      entry(T0 + 10_000n),
    ];
    loki.push(seeded);
    const ids = await readIds(client, 4);
    expect(ids).toEqual(seeded.slice(0, 10).map((e) => e.metadata!['audit_event_id']));
    expect(
      loki.queries.every((q) => q.params.get('direction') === 'forward' && Number(q.params.get('limit')) <= 4)
    ).toBe(true);
  });

  it('reads more events than a page holds that all share one nanosecond (real page size 5000)', async () => {
    const seeded = Array.from({ length: 7000 }, () => entry(T0 + 5n));
    loki.push([entry(T0 + 4n), ...seeded, entry(T0 + 6n)]);
    const ids = await readIds(client, 5000);
    expect(ids).toHaveLength(7002);
    expect(new Set(ids).size).toBe(7002);
  });

  it('splits a crowded nanosecond as deep as needed', async () => {
    loki.push(Array.from({ length: 3000 }, () => entry(T0 + 1n)));
    const ids = await readIds(client, 100);
    expect(ids).toHaveLength(3000);
    expect(new Set(ids).size).toBe(3000);
  });

  it('retries Loki failures and completes', async () => {
    loki.push(Array.from({ length: 50 }, (_, i) => entry(T0 + BigInt(i))));
    loki.failNext(2, 503);
    const ids = await readIds(client, 10);
    expect(new Set(ids).size).toBe(50);
    expect(ids).toHaveLength(50);
  });

  it('resumes from a checkpoint without repeating or losing events', async () => {
    const seeded = [
      entry(T0),
      entry(T0 + 1n),
      entry(T0 + 1n),
      entry(T0 + 1n),
      entry(T0 + 2n),
      entry(T0 + 3n),
    ];
    loki.push(seeded);
    const first = readAllEntries(client, { query: QUERY, start: T0, end: T0 + 10_000n, pageSize: 3 });
    const page = (await first.next()).value as Page;
    await first.return(undefined);
    const rest = await readIds(client, 3, { checkpoint: page.checkpoint });
    expect([...page.entries.map((e) => e.metadata['audit_event_id']), ...rest]).toEqual(
      seeded.map((e) => e.metadata!['audit_event_id'])
    );
  });

  it('asks for pages that fit the byte budget, and reads events larger than a default page would hold', async () => {
    await loki.stop();
    // The double, like Loki, never answers a page over 4 MiB: here 5000 events of 2 KB would be 10 MB.
    loki = await LokiDouble.start();
    client = new HttpLokiClient({ url: loki.url, timeoutMs: 2000 });
    const seeded = Array.from({ length: 6000 }, (_, i) => ({
      ...entry(T0 + BigInt(i)),
      metadata: { audit_event_id: `big-${i}`, audit_changes: 'x'.repeat(2000) },
    }));
    loki.push(seeded);
    const ids = await readIds(client, 5000);
    expect(ids).toEqual(seeded.map((e) => e.metadata.audit_event_id));
    const limits = loki.queries.map((q) => Number(q.params.get('limit')));
    expect(limits[0]).toBe(100);
    expect(Math.max(...limits)).toBeLessThan(1100);
    expect(Math.max(...limits)).toBeGreaterThan(900);
  });

  it('halves its pages after a request that got no answer, and goes on', async () => {
    loki.push(Array.from({ length: 300 }, (_, i) => entry(T0 + BigInt(i))));
    const sizer = new PageSizer({ maxEntries: 5000 });
    const first = readAllEntries(new HttpLokiClient({ url: loki.url, timeoutMs: 300 }), {
      query: QUERY,
      start: T0,
      end: T0 + 10_000n,
      sizer,
      retry: fastRetry,
      prefetch: false,
    });
    expect((await first.next()).value!.entries).toHaveLength(100);
    loki.hangNext(1);
    const rest: string[] = [];
    for await (const page of first) rest.push(...page.entries.map((e) => e.metadata['audit_event_id']!));
    expect(rest).toHaveLength(200);
    const limits = loki.queries.map((q) => Number(q.params.get('limit')));
    // The request of 5000 that got no answer is not in the double's log; its retry asked for half.
    expect(limits).toEqual([100, 2500]);
  });

  it("fails on Loki's 4xx with Loki's message, without retrying", async () => {
    const gen = readAllEntries(client, {
      query: '{audit_log_type=~".*"}',
      start: T0,
      end: T0 + 10n,
      retry: fastRetry,
    });
    await expect(gen.next()).rejects.toThrow(UpstreamError);
    expect(loki.queries).toHaveLength(1);
    const gen2 = readAllEntries(client, {
      query: '{audit_log_type=~".*"}',
      start: T0,
      end: T0 + 10n,
      retry: fastRetry,
    });
    await expect(gen2.next()).rejects.toThrow(/empty-compatible/);
  });
});
