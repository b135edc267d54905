import { of, type Observable } from 'rxjs';
import { GRAFANA_ALERTS_URL, GrafanaAlerting } from './alerting';
import type { HttpFetcher } from './client';

jest.mock('@grafana/runtime', () => ({ getBackendSrv: () => ({}) }));

const instance = (state: string, labels: Record<string, string>, activeAt: string) => ({
  labels,
  annotations: {},
  state,
  activeAt,
  value: '',
});

describe('GrafanaAlerting', () => {
  it('lists only firing instances with the given labels, oldest first, from Grafana’s own API', async () => {
    const requests: unknown[] = [];
    const alerts = [
      instance('Alerting', { source: 'auditlens', user_name: 'b' }, '2026-11-01T10:05:00Z'),
      instance('Normal', { source: 'auditlens', user_name: 'c' }, '2026-11-01T10:00:00Z'),
      instance('Alerting (NoData)', { source: 'auditlens', user_name: 'a' }, '2026-11-01T10:01:00Z'),
      instance('Pending', { source: 'auditlens', user_name: 'd' }, '2026-11-01T10:02:00Z'),
      instance('Alerting', { source: 'other' }, '2026-11-01T09:00:00Z'),
      instance('Alertingly', { source: 'auditlens' }, '2026-11-01T09:00:00Z'),
    ];
    const http: HttpFetcher = {
      fetch<T>(options: unknown): Observable<{ data: T }> {
        requests.push(options);
        return of({ data: { status: 'success', data: { alerts } } as T });
      },
    };
    const firing = await new GrafanaAlerting(http).firing({ source: 'auditlens' });
    expect(firing.map((a) => a.labels['user_name'])).toEqual(['a', 'b']);
    expect(requests).toEqual([{ url: GRAFANA_ALERTS_URL, method: 'GET', showErrorAlert: false }]);
  });
});
