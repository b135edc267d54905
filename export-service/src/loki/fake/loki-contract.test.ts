/**
 * Contract suite of the Loki double: the behaviour recorded from a real Loki 3.7 in shared/fixtures/loki.
 * Runs against FakeLoki, or against a real Loki when LOKI_URL is set (then every difference is a bug in
 * the double). Pushes the same request as the fixtures' push-otlp-request.py, at fresh timestamps.
 */
import { FakeLoki } from './FakeLoki.fake';

const S = 1_000_000_000n;
const CATEGORIZE = { 'X-Loki-Response-Encoding-Flags': 'categorize-labels' };
// Unique per run, so repeated runs against one real Loki do not see each other's entries.
const RUN = `run-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

type Kv = { key: string; value: { stringValue?: string; intValue?: string } };
const attrs = (o: Record<string, string | number>): Kv[] =>
  Object.entries(o).map(([key, v]) => ({
    key,
    value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
  }));

function pushRequest(base: bigint): unknown {
  const rec = (
    ts: bigint,
    body: string,
    a: Record<string, string | number>,
    sev = 9,
    sevText = 'INFO',
    event = 'audit.access'
  ) => ({
    timeUnixNano: String(ts),
    observedTimeUnixNano: String(ts),
    severityNumber: sev,
    severityText: sevText,
    eventName: event,
    body: { stringValue: body },
    attributes: attrs(a),
  });
  const rl = (logType: string, records: unknown[]) => ({
    resource: {
      attributes: attrs({
        'service.name': 'helpdesk',
        'audit.log_type': logType,
        'deployment.environment.name': RUN,
      }),
    },
    scopeLogs: [{ scope: { name: '@auditlens/emitter', version: '0.1.0' }, logRecords: records }],
  });
  const same = base + 5n * S;
  const access = [
    rec(base + S, 'jane@acme.test logged in to the agent portal', {
      'audit.log_type': 'access',
      'audit.action': 'login',
      'audit.outcome': 'success',
      'user.name': 'jane',
      'user.email': 'jane@acme.test',
      'client.address': '203.0.113.7',
      'audit.brand': 'Acme',
      'audit.portal': 'agent',
      'audit.login_source': 'form',
      'audit.event_id': 'e1',
    }),
    ...[0, 1, 2].map((i) =>
      rec(
        same,
        `failed login for bob (attempt ${i + 1})`,
        {
          'audit.log_type': 'access',
          'audit.action': 'login_failed',
          'audit.outcome': 'failure',
          'user.name': 'bob',
          'client.address': '198.51.100.9',
          'audit.brand': 'Acme',
          'audit.portal': 'customer',
          'audit.login_source': 'google',
          'audit.event_id': `e2-${i}`,
        },
        13,
        'WARN'
      )
    ),
    rec(base + 9n * S, 'bob logged out', {
      'audit.log_type': 'access',
      'audit.action': 'logout',
      'audit.outcome': 'success',
      'user.name': 'bob',
      'client.address': '198.51.100.9',
      'audit.brand': 'Beta',
      'audit.portal': 'customer',
      'audit.login_source': 'google',
      'audit.event_id': 'e3',
    }),
  ];
  const activity = [
    rec(
      base + 2n * S,
      'jane updated SLA policy "Gold"',
      {
        'audit.log_type': 'activity',
        'audit.category': 'SLA',
        'audit.action': 'update',
        'user.name': 'jane',
        'audit.event_id': 'a1',
      },
      9,
      'INFO',
      'audit.activity'
    ),
  ];
  const webhook = [
    rec(
      base + 3n * S,
      'webhook failed: HTTP 503',
      {
        'audit.log_type': 'webhook_failure',
        'audit.webhook.name': 'Ticket created -> CRM',
        'http.response.status_code': 503,
        'audit.event_id': 'w1',
      },
      17,
      'ERROR',
      'audit.webhook_failure'
    ),
  ];
  return { resourceLogs: [rl('access', access), rl('activity', activity), rl('webhook_failure', webhook)] };
}

interface Stream {
  stream: Record<string, string>;
  values: Array<[string, string, { structuredMetadata: Record<string, string> }?]>;
}

describe(`Loki HTTP API contract (${process.env.LOKI_URL ? `real Loki at ${process.env.LOKI_URL}` : 'FakeLoki'})`, () => {
  let fake: FakeLoki | undefined;
  let url: string;
  const base = BigInt(Date.now() - 600_000) * 1_000_000n;
  const same = base + 5n * S;
  const sel = `{service_name="helpdesk", deployment_environment_name="${RUN}"`;

  async function query(params: Record<string, string>, headers: Record<string, string> = CATEGORIZE) {
    const res = await fetch(`${url}/loki/api/v1/query_range?${new URLSearchParams(params)}`, { headers });
    const body = await res.text();
    return {
      status: res.status,
      body,
      json: () =>
        JSON.parse(body) as { data: { resultType: string; result: Stream[]; encodingFlags?: string[] } },
    };
  }
  const ids = (streams: Stream[]) =>
    streams.flatMap((s) => s.values.map((v) => v[2]?.structuredMetadata['audit_event_id']));
  const range = { start: String(base), end: String(base + 60n * S) };

  beforeAll(async () => {
    if (process.env.LOKI_URL) url = process.env.LOKI_URL;
    else {
      fake = await FakeLoki.start();
      url = fake.url;
    }
    const res = await fetch(`${url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(pushRequest(base)),
    });
    expect(res.status).toBeLessThan(300);
    if (process.env.LOKI_URL) await new Promise((r) => setTimeout(r, 2000));
  });
  afterAll(async () => fake?.stop());

  it('indexes only resource attributes; record attributes are structured metadata, dots become underscores', async () => {
    const r = (
      await query({ query: `${sel}, audit_log_type="access"}`, direction: 'forward', ...range })
    ).json();
    expect(r.data.encodingFlags).toEqual(['categorize-labels']);
    expect(r.data.result).toHaveLength(1);
    expect(r.data.result[0]!.stream).toEqual({
      service_name: 'helpdesk',
      audit_log_type: 'access',
      deployment_environment_name: RUN,
    });
    const md = r.data.result[0]!.values[0]![2]!.structuredMetadata;
    expect(md).toMatchObject({
      user_name: 'jane',
      client_address: '203.0.113.7',
      audit_log_type_extracted: 'access',
      severity_text: 'INFO',
      detected_level: 'info',
      scope_name: '@auditlens/emitter',
    });
    expect(md).not.toHaveProperty('event_name');
  });

  it('without the encoding flag merges metadata into stream labels, one stream per distinct set', async () => {
    const r = (
      await query({ query: `${sel}, audit_log_type="access"}`, direction: 'forward', ...range }, {})
    ).json();
    expect(r.data.result).toHaveLength(5);
    expect(r.data.result[0]!.stream['user_name']).toBe('jane');
  });

  it('defaults to backward, keeping push order among entries of one timestamp', async () => {
    const r = (await query({ query: `${sel}, audit_log_type="access"}`, ...range })).json();
    expect(ids(r.data.result)).toEqual(['e3', 'e2-0', 'e2-1', 'e2-2', 'e1']);
  });

  it('pages forward with limit; a page starting at the last timestamp repeats the entries at it', async () => {
    const p1 = (
      await query({ query: `${sel}, audit_log_type="access"}`, direction: 'forward', limit: '2', ...range })
    ).json();
    expect(ids(p1.data.result)).toEqual(['e1', 'e2-0']);
    const p2 = (
      await query({
        query: `${sel}, audit_log_type="access"}`,
        direction: 'forward',
        limit: '2',
        start: String(same),
        end: range.end,
      })
    ).json();
    expect(ids(p2.data.result)).toEqual(['e2-0', 'e2-1']);
  });

  it('treats start as inclusive and end as exclusive', async () => {
    const r = (
      await query({
        query: `${sel}, audit_log_type="access"}`,
        direction: 'forward',
        start: String(base + S),
        end: String(same),
      })
    ).json();
    expect(ids(r.data.result)).toEqual(['e1']);
    const empty = (
      await query({ query: `${sel}, audit_log_type="access"}`, start: String(same), end: String(same) })
    ).json();
    expect(empty.data.result).toEqual([]);
  });

  it('filters on structured metadata', async () => {
    const r = (
      await query({
        query: `${sel}, audit_log_type="access"} | user_name="bob"`,
        direction: 'forward',
        ...range,
      })
    ).json();
    expect(ids(r.data.result)).toEqual(['e2-0', 'e2-1', 'e2-2', 'e3']);
  });

  it('returns every log type as its own stream', async () => {
    const r = (await query({ query: `${sel}}`, direction: 'forward', ...range })).json();
    expect(r.data.result.map((s) => s.stream['audit_log_type']).sort()).toEqual([
      'access',
      'activity',
      'webhook_failure',
    ]);
  });

  it('counts by structured metadata in metric queries', async () => {
    const r = (
      await query({
        query: `sum by (user_name) (count_over_time(${sel}, audit_log_type="access"} | audit_action="login_failed" [1m]))`,
        start: String(same),
        end: String(same + 60n * S),
        step: '60',
      })
    ).json() as unknown as {
      data: {
        resultType: string;
        result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
      };
    };
    expect(r.data.resultType).toBe('matrix');
    expect(r.data.result).toHaveLength(1);
    expect(r.data.result[0]!.metric).toEqual({ user_name: 'bob' });
    expect(r.data.result[0]!.values.map((v) => v[1])).toContain('3');
  });

  it('rejects a limit above max_entries_limit_per_query with a plain-text 400', async () => {
    const r = await query({ query: `${sel}}`, limit: '6000', ...range });
    expect(r.status).toBe(400);
    expect(r.body).toBe(
      'max entries limit per query exceeded, limit > max_entries_limit_per_query (6000 > 5000)'
    );
  });

  it('rejects a selector with only empty-compatible matchers', async () => {
    const r = await query({ query: '{service_name=~".*"}', ...range });
    expect(r.status).toBe(400);
    expect(r.body).toMatch(
      /at least one regexp or equality matcher that does not have an empty-compatible value/
    );
  });

  it('rejects a LogQL syntax error', async () => {
    const r = await query({ query: '{service_name="helpdesk" | user_name="bob"', ...range });
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/^parse error at line 1, col \d+: syntax error/);
  });

  it('lists index labels and their values', async () => {
    const labels = (await (await fetch(`${url}/loki/api/v1/labels`)).json()) as { data: string[] };
    expect(labels.data).toEqual(expect.arrayContaining(['audit_log_type', 'service_name']));
    expect(labels.data).not.toContain('user_name');
    const values = (await (await fetch(`${url}/loki/api/v1/label/audit_log_type/values`)).json()) as {
      data: string[];
    };
    expect(values.data).toEqual(expect.arrayContaining(['access', 'activity', 'webhook_failure']));
  });
});
