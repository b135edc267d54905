import type { FacetsResponse } from '@auditlens/contract';
import { LokiDouble, type SeedEntry } from '@auditlens/loki/double';
import { HttpLokiClient } from '@auditlens/loki';
import type { NsRange } from './time-range';
import { LogReader, type LogReaderCaching } from './log-reader';

const MS = 1_000_000n;
const HOUR_MS = 3_600_000;
const ns = (ms: number) => BigInt(ms) * MS;
// "Now" of these tests, in the past of the real clock: the reader is given it.
const NOW = Date.parse('2026-11-20T10:17:00.123Z');
const LABELS = { service_name: 'helpdesk', audit_log_type: 'access' };
const USERS = ['jane', 'bob', 'jane', 'ana', 'jane', 'li', 'bob'];

function rangeOf(fromMs: number, toMs: number): NsRange {
  return { from: new Date(fromMs), to: new Date(toMs), start: ns(fromMs), end: ns(toMs) };
}

let id = 0;
function event(ts: bigint, md: Record<string, string>): SeedEntry {
  return { ts, line: `event ${id}`, labels: LABELS, metadata: { audit_event_id: `e${id++}`, ...md } };
}

/**
 * 2400 events over the 24 hours before NOW, one every 36 s, and events exactly on three whole hours, at exactly the
 * start of the range and at exactly its (exclusive) end.
 */
function dayOfEvents(): SeedEntry[] {
  const from = NOW - 24 * HOUR_MS;
  const out: SeedEntry[] = [];
  for (let i = 0; i < 2400; i++) {
    out.push(
      event(ns(from + i * 36_000) + BigInt(i % 7), {
        user_name: USERS[i % USERS.length]!,
        audit_portal: i % 3 === 0 ? 'customer' : 'agent',
      })
    );
  }
  const hour = Math.ceil(from / HOUR_MS) * HOUR_MS;
  for (const h of [hour, hour + 5 * HOUR_MS, hour + 17 * HOUR_MS])
    out.push(event(ns(h), { user_name: 'edge', audit_portal: 'agent' }));
  out.push(event(ns(from), { user_name: 'first', audit_portal: 'agent' }));
  out.push(event(ns(NOW), { user_name: 'after', audit_portal: 'agent' }));
  return out;
}

/** The counts the facets route must answer, by brute force. */
function expected(entries: readonly SeedEntry[], field: string, range: NsRange): FacetsResponse['values'] {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const v = e.metadata?.[field];
    if (v !== undefined && e.ts >= range.start && e.ts < range.end) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

describe('facets and charts on the Loki double', () => {
  let loki: LokiDouble;
  let clock: number;
  const reader = (caching?: LogReaderCaching) =>
    new LogReader(new HttpLokiClient({ url: loki.url, timeoutMs: 5000 }), {
      maxEntries: 5000,
      caching,
      now: () => clock,
    });
  const caching: LogReaderCaching = { values: 100_000, settleMs: 600_000, sampleTtlMs: 60_000 };
  const instantQueries = () => loki.queries.filter((q) => q.params.has('time'));

  beforeEach(async () => {
    loki = await LokiDouble.start();
    clock = NOW;
  });
  afterEach(() => loki.stop());

  it('counts exactly [from, to), events on whole hours once, and counts a range ending now again with two queries', async () => {
    const entries = dayOfEvents();
    loki.push(entries);
    const r = reader(caching);
    const day = rangeOf(NOW - 24 * HOUR_MS, NOW);
    const first = await r.facets('access', day, 'user', {});
    expect(first).toEqual({
      field: 'user',
      values: expected(entries, 'user_name', day),
      counts: 'exact',
      complete: true,
    });
    expect(first.values.find((v) => v.value === 'edge')!.count).toBe(3);
    expect(first.values.find((v) => v.value === 'first')!.count).toBe(1);
    expect(first.values.find((v) => v.value === 'after')).toBeUndefined();
    // The part before 10:00 of yesterday, 23 whole hours and the newest part: every query within one window.
    expect(instantQueries()).toHaveLength(25);

    // Five seconds later, with an event in the newest part: only the two open parts are asked again.
    clock = NOW + 5000;
    const newer = event(ns(NOW + 1000), { user_name: 'newcomer', audit_portal: 'agent' });
    loki.push([newer]);
    const before = instantQueries().length;
    const moved = rangeOf(NOW + 5000 - 24 * HOUR_MS, NOW + 5000);
    const second = await r.facets('access', moved, 'user', {});
    expect(second.values).toEqual(expected([...entries, newer], 'user_name', moved));
    expect(second.values.find((v) => v.value === 'newcomer')!.count).toBe(1);
    expect(instantQueries().length - before).toBe(2);
    expect(instantQueries().every((q) => q.headers['x-loki-actor-path'] === 'auditlens|counts')).toBe(true);
  });

  it('counts the same without a cache, in one query per max_query_length window', async () => {
    const entries = dayOfEvents();
    loki.push(entries);
    const range = rangeOf(NOW - 40 * 24 * HOUR_MS, NOW);
    const res = await reader().facets('access', range, 'portal', { user: 'jane' });
    expect(res.values).toEqual(
      expected(
        entries.filter((e) => e.metadata?.['user_name'] === 'jane'),
        'audit_portal',
        range
      )
    );
    expect(instantQueries()).toHaveLength(2);
  });

  it('counts the most frequent sampled values of a field with more values than Loki counts in one query', async () => {
    const entries: SeedEntry[] = [];
    for (let i = 0; i < 600; i++)
      entries.push(event(ns(NOW - 90 * 60_000 + i * 1000), { user_name: `u${i}` }));
    for (let i = 0; i < 50; i++)
      entries.push(event(ns(NOW - 20 * HOUR_MS + i * 60_000), { user_name: 'jane' }));
    for (let i = 0; i < 30; i++) entries.push(event(ns(NOW - 30 * 60_000 + i * 1000), { user_name: 'jane' }));
    for (let i = 0; i < 40; i++) entries.push(event(ns(NOW - 10 * 60_000 + i * 1000), { user_name: 'bob' }));
    loki.push(entries);
    const r = reader(caching);
    const day = rangeOf(NOW - 24 * HOUR_MS, NOW);
    const res = await r.facets('access', day, 'user', {});
    expect(res.complete).toBe(false);
    expect(res.counts).toBe('exact');
    expect(res.values).toHaveLength(100);
    // The sample holds the newest 2000 events: every one here. jane's 50 older events are counted all the same.
    expect(res.values.slice(0, 2)).toEqual([
      { value: 'jane', count: 80 },
      { value: 'bob', count: 40 },
    ]);
    const all = new Map(expected(entries, 'user_name', day).map((v) => [v.value, v.count]));
    for (const v of res.values) expect(v.count).toBe(all.get(v.value));

    // Asked again: the field is known to have too many values and its settled hours know the counted ones.
    clock = NOW + 5000;
    const before = instantQueries().length;
    const again = await r.facets('access', rangeOf(NOW + 5000 - 24 * HOUR_MS, NOW + 5000), 'user', {});
    expect(again.values).toEqual(res.values);
    const asked = instantQueries().slice(before);
    expect(asked).toHaveLength(2);
    expect(asked.every((q) => q.query.includes('user_name="jane" or user_name="bob"'))).toBe(true);
  });

  it('counts only sampled values at once when the suggestions asked first showed more values than Loki counts', async () => {
    const entries: SeedEntry[] = [];
    for (let i = 0; i < 600; i++)
      entries.push(event(ns(NOW - 30 * 60_000 + i * 1000), { user_name: `u${i}` }));
    loki.push(entries);
    const r = reader(caching);
    const day = rangeOf(NOW - 24 * HOUR_MS, NOW);
    expect((await r.facets('access', day, 'user', {}, 'suggest')).values).toHaveLength(600);
    const res = await r.facets('access', day, 'user', {});
    expect(res).toMatchObject({ counts: 'exact', complete: false });
    expect(res.values).toHaveLength(100);
    expect(res.values.every((v) => v.count === 1)).toBe(true);
    // Every count named its values: none asked for all of them (Loki would have refused it).
    expect(instantQueries().length).toBeGreaterThan(0);
    expect(instantQueries().every((q) => q.query.includes(' or user_name='))).toBe(true);
  });

  it('suggests the values of the newest events, read newest hour first, kept for a minute', async () => {
    const entries = dayOfEvents();
    loki.push(entries);
    const r = reader(caching);
    const day = rangeOf(NOW - 24 * HOUR_MS, NOW);
    const res = await r.facets('access', day, 'user', {}, 'suggest');
    const newest = entries
      .filter((e) => e.ts >= day.start && e.ts < day.end)
      .sort((a, b) => (a.ts > b.ts ? -1 : a.ts < b.ts ? 1 : 0))
      .slice(0, 2000);
    expect(res).toEqual({
      field: 'user',
      values: expected(newest, 'user_name', day),
      counts: 'sample',
      sampled: 2000,
      complete: false,
    });
    // 100 events an hour: the newest hour, the 3 and the 12 hours before it, and part of the 8 before those.
    expect(loki.queries.map((q) => [q.query, q.params.get('limit'), q.headers['x-loki-actor-path']])).toEqual(
      [
        ['{audit_log_type="access"} | keep user_name', '2000', 'auditlens|rows'],
        ['{audit_log_type="access"} | keep user_name', '1900', 'auditlens|rows'],
        ['{audit_log_type="access"} | keep user_name', '1600', 'auditlens|rows'],
        ['{audit_log_type="access"} | keep user_name', '399', 'auditlens|rows'],
      ]
    );
    expect(loki.queries[0]!.params.get('start')).toBe(String(day.end - ns(HOUR_MS)));
    clock += 30_000;
    expect(await r.facets('access', day, 'user', {}, 'suggest')).toEqual(res);
    expect(loki.queries).toHaveLength(4);
    clock += 60_000;
    await r.facets('access', day, 'user', {}, 'suggest');
    expect(loki.queries).toHaveLength(8);
  });

  it('draws a chart of a range ending now again from its newest points only, with the same series', async () => {
    const entries = dayOfEvents();
    loki.push(entries);
    const cached = reader(caching);
    const day = rangeOf(NOW - 24 * HOUR_MS, NOW);
    const first = await cached.stats('access', day, 'outcome', {});
    const asked = loki.queries.length;
    clock = NOW + 60_000;
    const moved = rangeOf(NOW + 60_000 - 24 * HOUR_MS, NOW + 60_000);
    const second = await cached.stats('access', moved, 'outcome', {});
    const newQueries = loki.queries.slice(asked);
    expect(newQueries).toHaveLength(1);
    // Points of 720 s: those that had ended 10 minutes before the first chart were kept; the later ones are asked.
    const firstUnsettled = (Math.floor((NOW - 600_000) / 720_000) + 1) * 720;
    expect(newQueries[0]!.params.get('start')).toBe(String(BigInt(firstUnsettled) * 1_000_000_000n));
    expect(newQueries[0]!.headers['x-loki-actor-path']).toBe('auditlens|counts');
    expect(second).toEqual(await reader().stats('access', moved, 'outcome', {}));
    expect(first.series.length).toBeGreaterThan(0);
  });

  it('lists rows in the rows queue', async () => {
    loki.push(dayOfEvents());
    const res = await reader(caching).list('access', rangeOf(NOW - HOUR_MS, NOW), {}, 10);
    expect(res.rows).toHaveLength(10);
    expect(loki.queries.every((q) => q.headers['x-loki-actor-path'] === 'auditlens|rows')).toBe(true);
  });
});
