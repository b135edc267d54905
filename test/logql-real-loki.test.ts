import { lokiForTests, type LokiTarget } from '@auditlens/testkit';
import { withDashboardDefaults } from './logql-check';
import { seedOneEventOfEachType } from './seed-audit-events';
import { allExpressions } from './stack-expressions';

interface QueryAnswer {
  status: string;
  data: { resultType: string; result: unknown[] };
}

const expressions = allExpressions();

describe('every dashboard and alert query, run by a real Loki', () => {
  let loki: LokiTarget;
  beforeAll(async () => {
    loki = await lokiForTests('logql-real-loki');
    if (loki.kind !== 'real') return;
    // One event of each type with every field the dashboards break down by, so each query has data to return.
    await seedOneEventOfEachType(loki.url);
  }, 60_000);
  afterAll(() => loki?.release());

  it('has queries to run', () => {
    expect(expressions.length).toBeGreaterThan(20);
  });

  it.each(expressions)(
    '%s: %s executes',
    async (_where, expr, instant) => {
      if (loki.kind !== 'real') {
        expect(loki.reason).toBeTruthy();
        return;
      }
      const query = withDashboardDefaults(expr);
      const now = Date.now();
      const params = instant
        ? new URLSearchParams({ query, time: `${now}000000` })
        : new URLSearchParams({
            query,
            start: `${now - 3_600_000}000000`,
            end: `${now + 60_000}000000`,
            step: '60',
            limit: '100',
          });
      const res = await fetch(`${loki.url}/loki/api/v1/${instant ? 'query' : 'query_range'}?${params}`);
      const text = await res.text();
      expect(`${res.status} ${text.slice(0, 300)}`).toMatch(/^200 /);
      const answer = JSON.parse(text) as QueryAnswer;
      expect(answer.status).toBe('success');
      // Alert rules compare with a threshold no single seeded event reaches; every dashboard query finds its event.
      if (!/>=?\s*\d+$/.test(expr)) expect(answer.data.result.length).toBeGreaterThan(0);
    },
    30_000
  );
});
