/**
 * Contract suite of the Loki double: the behaviour recorded from a real Loki 3.7 in shared/fixtures/loki, and
 * Loki's query limits. Runs against a real Loki when LOKI_BIN or LOKI_URL is set (every difference is then a
 * bug in the double), against LokiDouble otherwise; the output says which. Pushes the same request as the
 * fixtures' push-otlp-request.py, at fresh timestamps.
 */
import { hasRealLoki, lokiForTests, type LokiTarget } from '@auditlens/testkit';
import { LokiDouble } from './loki-double/loki-double';

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

describe(`Loki HTTP API contract (${hasRealLoki() ? 'real Loki' : 'Loki double'})`, () => {
  let fake: LokiDouble | undefined;
  let target: LokiTarget | undefined;
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
    // Loki's defaults for max_query_length and the gRPC message cap (4 MiB), whatever collector-config/loki.yaml
    // says, so the limits below hold: the service must work against a Loki with its defaults, and the double
    // follows them. (The shipped loki.yaml raises the cap; a page of large events then comes back.)
    target = await lokiForTests('loki contract suite', {
      overrides: {
        limits_config: { max_query_length: '721h' },
        server: { grpc_server_max_recv_msg_size: 4 * 1024 * 1024 },
      },
    });
    if (target.kind === 'real') url = target.url;
    else {
      fake = await LokiDouble.start();
      url = fake.url;
    }
    const res = await fetch(`${url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(pushRequest(base)),
    });
    expect(res.status).toBeLessThan(300);
  }, 60_000);
  afterAll(async () => {
    await fake?.stop();
    await target?.release();
  });

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

  it('matches a one-sided star around a literal in a label filter as a substring, and anchors the rest', async () => {
    // grafana/loki#14433 and #23892: `| x=~".*foo"` and `| x=~"foo.*"` match any value containing foo.
    const idsFor = async (pattern: string) =>
      ids(
        (
          await query({
            query: `${sel}, audit_log_type="access"} | audit_event_id=~"${pattern}"`,
            direction: 'forward',
            ...range,
          })
        ).json().data.result
      );
    expect(await idsFor('.*e2')).toEqual(['e2-0', 'e2-1', 'e2-2']);
    expect(await idsFor('2.*')).toEqual(['e2-0', 'e2-1', 'e2-2']);
    expect(await idsFor('.*2$')).toEqual(['e2-2']);
    expect(await idsFor('.+2')).toEqual(['e2-2']);
    expect(await idsFor('e[0-9]')).toEqual(['e1', 'e3']);
  });

  it('leaves out the labels and structured metadata a drop stage names', async () => {
    const r = (
      await query({
        query: `${sel}, audit_log_type="access"} | user_name="jane" | drop observed_timestamp, scope_name, client_address`,
        direction: 'forward',
        ...range,
      })
    ).json();
    expect(ids(r.data.result)).toEqual(['e1']);
    const md = r.data.result[0]!.values[0]![2]!.structuredMetadata;
    expect(md).toMatchObject({ user_name: 'jane', audit_event_id: 'e1', severity_text: 'INFO' });
    expect(Object.keys(md)).not.toEqual(expect.arrayContaining(['observed_timestamp']));
    expect(md).not.toHaveProperty('scope_name');
    expect(md).not.toHaveProperty('client_address');
    expect(r.data.result[0]!.stream).toEqual({
      service_name: 'helpdesk',
      audit_log_type: 'access',
      deployment_environment_name: RUN,
    });
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

  it('keeps only the fields a keep stage names, stream labels included; events without them keep none', async () => {
    const r = (await query({ query: `${sel}} | keep audit_portal`, direction: 'forward', ...range })).json();
    expect(r.data.result).toHaveLength(1);
    expect(r.data.result[0]!.stream).toEqual({});
    const portal = (p: string) => ({ structuredMetadata: { audit_portal: p } });
    // e1, the activity event, the webhook failure (neither has a portal), the three at `same`, e3.
    expect(r.data.result[0]!.values.map((v) => v[2])).toEqual([
      portal('agent'),
      {},
      {},
      portal('customer'),
      portal('customer'),
      portal('customer'),
      portal('customer'),
    ]);
  });

  it('joins label filters with or, each an exact match', async () => {
    const r = (
      await query({
        query: `${sel}, audit_log_type="access"} | audit_event_id="e1" or audit_event_id="e2-1" or audit_event_id="e"`,
        direction: 'forward',
        ...range,
      })
    ).json();
    expect(ids(r.data.result)).toEqual(['e1', 'e2-1']);
    const nested = (
      await query({
        query: `${sel}} | (user_name="jane" or user_name="bob") and audit_brand="Acme"`,
        direction: 'forward',
        ...range,
      })
    ).json();
    expect(ids(nested.data.result)).toEqual(['e1', 'e2-0', 'e2-1', 'e2-2']);
  });

  it('answers a query sent with an actor path, the queue it waits in at the scheduler', async () => {
    const res = await fetch(
      `${url}/loki/api/v1/query_range?${new URLSearchParams({ query: `${sel}, audit_log_type="access"}`, direction: 'forward', ...range })}`,
      { headers: { ...CATEGORIZE, 'X-Loki-Actor-Path': 'auditlens|rows' } }
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { result: Stream[] } };
    expect(ids(body.data.result)).toEqual(['e1', 'e2-0', 'e2-1', 'e2-2', 'e3']);
  });

  it('refuses a metric query answering more than max_query_series (500) series, topk or not', async () => {
    const many = `${RUN}-many`;
    const at = base + 40n * S;
    const records = Array.from({ length: 501 }, (_, i) => ({
      timeUnixNano: String(at + BigInt(i)),
      body: { stringValue: `login ${i}` },
      attributes: attrs({ 'user.name': `user${i}`, 'audit.event_id': `m${i}` }),
    }));
    const push = await fetch(`${url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        resourceLogs: [
          {
            resource: {
              attributes: attrs({
                'service.name': 'helpdesk',
                'audit.log_type': 'access',
                'deployment.environment.name': many,
              }),
            },
            scopeLogs: [{ logRecords: records }],
          },
        ],
      }),
    });
    expect(push.status).toBe(204);
    const count = (pipeline: string, wrap = (q: string) => q) =>
      fetch(
        `${url}/loki/api/v1/query?${new URLSearchParams({
          query: wrap(
            `sum by (user_name) (count_over_time({deployment_environment_name="${many}"}${pipeline} [1m]))`
          ),
          time: String(at + S),
        })}`
      );
    const message =
      'maximum number of series (500) reached for a single query; consider reducing query cardinality by adding more specific stream selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()';
    const over = await count('');
    expect(over.status).toBe(400);
    expect((await over.text()).trim()).toBe(message);
    const topk = await count('', (q) => `topk(10, ${q})`);
    expect(topk.status).toBe(400);
    expect((await topk.text()).trim()).toBe(message);
    const fits = await count(' | user_name!="user7"');
    expect(fits.status).toBe(200);
    expect(((await fits.json()) as { data: { result: unknown[] } }).data.result).toHaveLength(500);
  });

  describe('limits and time grids', () => {
    const access = `${sel}, audit_log_type="access"}`;
    // The seven access entries' times: e1, three at `same`, e3.
    const accessTimes = [base + S, same, same, same, base + 9n * S];
    type Matrix = {
      data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
    };
    type Vector = { data: { resultType: string; result: Array<{ value: [number, string] }> } };

    it('evaluates a metric query on multiples of step from the epoch: start rounded down, end rounded up', async () => {
      const step = 60n * S;
      const start = same + 7n * S;
      const end = start + 130n * S;
      const r = await query({
        query: `sum(count_over_time(${access} [10m]))`,
        start: String(start),
        end: String(end),
        step: '60',
      });
      expect(r.status).toBe(200);
      const expected: Array<[number, string]> = [];
      for (let t = start - (start % step); t < end + step; t += step) {
        const n = accessTimes.filter((ts) => ts > t - 600n * S && ts <= t).length;
        if (n > 0) expected.push([Number(t / S), String(n)]);
      }
      expect(expected.length).toBeGreaterThanOrEqual(3);
      expect((JSON.parse(r.body) as Matrix).data.result[0]!.values).toEqual(expected);
    });

    it('evaluates an instant query at its exact nanosecond, over (time - range, time]', async () => {
      const at = async (time: bigint) => {
        const res = await fetch(
          `${url}/loki/api/v1/query?${new URLSearchParams({ query: `sum(count_over_time(${access} [4s]))`, time: String(time) })}`
        );
        expect(res.status).toBe(200);
        const body = (await res.json()) as Vector;
        expect(body.data.resultType).toBe('vector');
        return body.data.result.map((v) => v.value[1]);
      };
      expect(await at(same)).toEqual(['3']); // (base + 1s, base + 5s]: e1 at base + 1s is left out
      expect(await at(same - 1n)).toEqual(['1']); // e1 in, the three at `same` out
    });

    it("refuses a range longer than max_query_length (721h) with Loki's message, and takes 721h", async () => {
      const end = base + 60n * S;
      const hours = (h: bigint) => h * 3600n * S;
      const tooLong = await query({ query: access, start: String(end - hours(960n)), end: String(end) });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body).toBe(
        'the query time range exceeds the limit (query length: 960h0m0s, limit: 30d1h)'
      );
      const justOver = await query({ query: access, start: String(end - hours(721n) - S), end: String(end) });
      expect(justOver.body).toBe(
        'the query time range exceeds the limit (query length: 721h0m1s, limit: 30d1h)'
      );
      const exactly = await query({ query: access, start: String(end - hours(721n)), end: String(end) });
      expect(exactly.status).toBe(200);
      expect(ids(exactly.json().data.result)).toEqual(['e3', 'e2-0', 'e2-1', 'e2-2', 'e1']);
    });

    it('refuses a metric query whose range vector is longer than max_query_length', async () => {
      const second = same - (same % S);
      const r = await query({
        query: `sum(count_over_time(${access} [722h]))`,
        start: String(second),
        end: String(second),
        step: '1',
      });
      expect(r.status).toBe(400);
      expect(r.body).toBe('the query time range exceeds the limit (query length: 722h0m0s, limit: 30d1h)');
    });

    it('refuses a step as long as max_query_length even for one point, and takes two points of 360h', async () => {
      const step = 721n * 3600n * S;
      const t = same - (same % step);
      const one = await query({
        query: `sum(count_over_time(${access} [721h]))`,
        start: String(t),
        end: String(t),
        step: String(step / S),
      });
      expect(one.status).toBe(400);
      expect(one.body).toBe(
        'the query time range exceeds the limit (query length: 721h0m0.000000001s, limit: 30d1h)'
      );
      const half = 360n * 3600n * S;
      const u = same - (same % half);
      const two = await query({
        query: `sum(count_over_time(${access} [360h]))`,
        start: String(u - half),
        end: String(u),
        step: String(half / S),
      });
      expect(two.status).toBe(200);
      const three = await query({
        query: `sum(count_over_time(${access} [500h]))`,
        start: String(u - 500n * 3600n * S),
        end: String(u),
        step: String(500n * 3600n),
      });
      expect(three.body).toBe(
        'the query time range exceeds the limit (query length: 1000h0m0s, limit: 30d1h)'
      );
    });

    it('never answers a page larger than the 4 MiB gRPC messages between querier and frontend', async () => {
      const big = `${RUN}-big`;
      const at = base + 30n * S;
      for (let part = 0; part < 3; part++) {
        const records = Array.from({ length: 850 }, (_, i) => ({
          timeUnixNano: String(at + BigInt(part * 850 + i)),
          body: { stringValue: `big ${part * 850 + i}` },
          attributes: attrs({ 'audit.event_id': `b${part * 850 + i}`, 'audit.changes': 'x'.repeat(2000) }),
        }));
        const res = await fetch(`${url}/otlp/v1/logs`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            resourceLogs: [
              {
                resource: {
                  attributes: attrs({
                    'service.name': 'helpdesk',
                    'audit.log_type': 'activity',
                    'deployment.environment.name': big,
                  }),
                },
                scopeLogs: [{ logRecords: records }],
              },
            ],
          }),
        });
        expect(res.status).toBe(204);
      }
      const page = (limit: number, waitMs: number) =>
        fetch(
          `${url}/loki/api/v1/query_range?${new URLSearchParams({
            query: `{deployment_environment_name="${big}"}`,
            start: String(at),
            end: String(at + S),
            limit: String(limit),
            direction: 'forward',
          })}`,
          { headers: CATEGORIZE, signal: AbortSignal.timeout(waitMs) }
        );
      const small = await page(1000, 30_000); // about 2.3 MB
      expect(small.status).toBe(200);
      expect((await small.text()).length).toBeGreaterThan(2_000_000);
      // About 5.7 MB: Loki drops the querier's answer and the request waits for Loki's timeout (1 minute).
      await expect(page(2500, 5000)).rejects.toThrow(/timeout|aborted/i);
    }, 60_000);

    it('refuses more than 11,000 points per series, and takes 11,000', async () => {
      const q = { query: `sum(count_over_time(${access} [1s]))`, step: '1' };
      const over = await query({ ...q, start: String(same - 11_001n * S), end: String(same) });
      expect(over.status).toBe(400);
      expect(over.body).toBe(
        'exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter'
      );
      const max = await query({ ...q, start: String(same - 11_000n * S), end: String(same) });
      expect(max.status).toBe(200);
    });
  });
});
