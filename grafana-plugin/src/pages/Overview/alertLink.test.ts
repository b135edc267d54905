import { alertFilters, alertLink } from './alertLink';

const alert = (labels: Record<string, string>, activeAt = '2026-11-01T10:00:00.000Z') => ({
  labels,
  annotations: {},
  state: 'Alerting',
  activeAt,
  value: '',
});

describe('alertLink', () => {
  it('leads from a user’s alert to that user’s failed logins since shortly before it fired', () => {
    const since = Date.parse('2026-11-01T10:00:00.000Z') - 5 * 60_000;
    expect(alertLink(alert({ alertname: 'Repeated login failures (user)', user_name: 'jane doe' }))).toBe(
      `/a/auditlens-auditlogs-app/access?from=${since}&to=now&action=login_failed&user=jane%20doe`
    );
  });

  it('filters by IP for the IP rule, and ignores labels that are no access-log field', () => {
    expect(
      alertFilters(alert({ client_address: '203.0.113.9', severity: 'warning', grafana_folder: 'x' }))
    ).toEqual({
      action: 'login_failed',
      ip: '203.0.113.9',
    });
  });

  it('falls back to the last hour when Grafana gives no time', () => {
    expect(alertLink(alert({ user_name: 'jane' }, ''))).toMatch(/\?from=now-1h&to=now&/);
  });
});
