import { LokiDouble, type SeedEntry } from '../test/loki-double/loki-double';
import { HttpLokiClient } from './http-client';
import { buildCountQuery } from './logql';
import { queryMetricsInWindows, totalsInWindows } from './windowed-metrics';

const H = 3_600_000_000_000n;
const MS = 1_000_000n;
const T0 = 1_795_000_000_000n * MS;
const LABELS = { service_name: 'helpdesk', audit_log_type: 'access' };
const LOG_QUERY = '{audit_log_type="access"}';

/** One event every 5 hours for 40 days, alternating two actions, plus one at each end of the range. */
function seed(): SeedEntry[] {
  const entries: SeedEntry[] = [];
  for (let i = 0n; i < 40n * 24n; i += 5n) {
    entries.push({
      ts: T0 + i * H + 17n,
      line: `e${i}`,
      labels: LABELS,
      metadata: { audit_action: i % 2n === 0n ? 'login' : 'logout' },
    });
  }
  entries.push({ ts: T0, line: 'first', labels: LABELS, metadata: { audit_action: 'login' } });
  entries.push({
    ts: T0 + 40n * 24n * H,
    line: 'at end',
    labels: LABELS,
    metadata: { audit_action: 'login' },
  });
  return entries;
}

describe('metric queries over ranges longer than max_query_length', () => {
  let limited: LokiDouble;
  let unlimited: LokiDouble;
  beforeAll(async () => {
    limited = await LokiDouble.start({ maxQueryLengthNs: 721n * H });
    unlimited = await LokiDouble.start({ maxQueryLengthNs: 0n });
    limited.push(seed());
    unlimited.push(seed());
  });
  afterAll(async () => {
    await limited.stop();
    await unlimited.stop();
  });
  const client = (loki: LokiDouble) => new HttpLokiClient({ url: loki.url, timeoutMs: 5000 });
  const range = { start: T0, end: T0 + 40n * 24n * H };

  it('answers a 40-day range query point for point as one query would, where one query is refused', async () => {
    const query = buildCountQuery(LOG_QUERY, 'audit_action', 7_200_000n);
    await expect(
      client(limited).queryMetrics({ query, start: range.start, end: range.end, step: 7200 })
    ).rejects.toThrow(/the query time range exceeds the limit \(query length: 960h0m0s, limit: 30d1h\)/);
    const whole = await client(unlimited).queryMetrics({
      query,
      start: range.start,
      end: range.end,
      step: 7200,
    });
    const windowed = await queryMetricsInWindows(client(limited), {
      query,
      ...range,
      stepSeconds: 7200,
      maxQueryLengthNs: 721n * H,
    });
    expect(windowed).toEqual(whole);
    expect(limited.queries.filter((q) => q.params.has('step')).length).toBeGreaterThan(2);
  });

  it('counts exactly [start, end) over 40 days in instant queries, whatever the window boundaries', async () => {
    const totals = await totalsInWindows(client(limited), {
      query: (rangeMs) => buildCountQuery(LOG_QUERY, 'audit_action', rangeMs),
      ...range,
      maxQueryLengthNs: 100n * H,
    });
    const byAction = Object.fromEntries(totals.map((t) => [t.metric['audit_action'], t.total]));
    // 192 events every 5h (96 login, 96 logout), "first" at start counts, "at end" (exclusive end) does not.
    expect(byAction).toEqual({ login: 97, logout: 96 });
    expect(limited.queries.at(-1)!.params.get('time')).toBe(String(range.end - 1n));
  });
});
