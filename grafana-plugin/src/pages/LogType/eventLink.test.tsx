import { locationUtil } from '@grafana/data';
import type { AuditRow } from '@auditlens/contract';
import { eventLink } from './eventLink';

const row: AuditRow = {
  id: '0193a5f2-7c1e-7d2a-9b3c-4d5e6f708192',
  timestamp: '1793527200123456789',
  time: '2026-11-01T10:00:00.123Z',
  logType: 'webhook_failure',
  summary: 'x',
  fields: {},
};

describe('eventLink', () => {
  afterEach(() =>
    locationUtil.initialize({
      config: { appSubUrl: '' } as never,
      getTimeRangeForUrl: () => ({}) as never,
      getVariablesUrlParams: () => ({}),
    })
  );

  it('opens the event’s page over the event’s own millisecond, with its details', () => {
    const at = Date.parse(row.time);
    expect(eventLink(row, 'https://grafana.example.com')).toBe(
      `https://grafana.example.com/a/auditlens-auditlogs-app/webhook-failures?from=${at}&to=${at + 1}&event=${row.id}`
    );
  });

  it('keeps Grafana’s sub-path when Grafana is served under one', () => {
    locationUtil.initialize({
      config: { appSubUrl: '/grafana' } as never,
      getTimeRangeForUrl: () => ({}) as never,
      getVariablesUrlParams: () => ({}),
    });
    expect(eventLink(row, 'https://example.com')).toMatch(
      /^https:\/\/example\.com\/grafana\/a\/auditlens-auditlogs-app\//
    );
  });
});
