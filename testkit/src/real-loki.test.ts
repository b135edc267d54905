import { hasRealLoki, lokiForTests, lokiTestConfig, type LokiTarget } from './real-loki';

describe('lokiTestConfig', () => {
  it('keeps the shipped limits and moves every path and port to the test', () => {
    const config = lokiTestConfig('/tmp/x', 4567, {
      overrides: { limits_config: { max_query_length: '0' } },
    });
    const limits = config['limits_config'] as Record<string, unknown>;
    expect(limits['max_entries_limit_per_query']).toBe(5000);
    expect(limits['allow_structured_metadata']).toBe(true);
    expect(limits['max_query_length']).toBe('0');
    expect(config['server']).toMatchObject({ http_listen_address: '127.0.0.1', http_listen_port: 4567 });
    expect(JSON.stringify(config)).not.toContain('/loki/');
    expect((config['ruler'] as Record<string, unknown>)['alertmanager_url']).toBeUndefined();
  });
});

(hasRealLoki() ? describe : describe.skip)('a real Loki', () => {
  let loki: LokiTarget;
  beforeAll(async () => {
    loki = await lokiForTests('testkit');
  }, 60_000);
  afterAll(() => loki.release());

  it('takes an OTLP record and answers it with audit_log_type as an index label', async () => {
    if (loki.kind !== 'real') throw new Error(loki.reason);
    const ts = `${BigInt(Date.now()) * 1_000_000n}`;
    const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const push = await fetch(`${loki.url}/otlp/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [attr('service.name', 'testkit'), attr('audit.log_type', 'access')] },
            scopeLogs: [
              {
                logRecords: [
                  { timeUnixNano: ts, body: { stringValue: 'hi' }, attributes: [attr('user.name', 'jane')] },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(push.status).toBe(204);
    const q = new URLSearchParams({
      query: '{service_name="testkit", audit_log_type="access"} | user_name="jane"',
    });
    const res = await fetch(`${loki.url}/loki/api/v1/query_range?${q}`);
    const body = (await res.json()) as { data: { result: Array<{ values: string[][] }> } };
    expect(body.data.result.flatMap((s) => s.values.map((v) => v[0]))).toEqual([ts]);
  }, 30_000);
});
