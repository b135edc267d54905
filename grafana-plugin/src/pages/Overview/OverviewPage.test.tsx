import { screen, within } from '@testing-library/react';
import { APP_BASE_PATH, LOG_TYPES, LOG_TYPE_SLUGS, PROXY_ROUTES, readAction } from '@auditlens/contract';
import { renderApp } from '../../../test/support/renderApp';
import { PERMISSION_SETS } from '../../../test/support/grafanaBoot';
import { FakeExportService, sampleEvents } from '../../../test/support/fakeExportService';
import type { GrafanaAlert } from '../../api/alerting';
import { GRAFANA_ALERTS_URL } from '../../api/alerting';
import { testIds } from '../../testIds';

const overview = `${APP_BASE_PATH}/overview`;
const NOW = Date.now();

/** Alert instances as Grafana's evaluator holds them for the provisioned rules, and one of another rule. */
const ALERTS: GrafanaAlert[] = [
  {
    labels: {
      alertname: 'Repeated login failures (user)',
      grafana_folder: 'AuditLens',
      severity: 'warning',
      source: 'auditlens',
      user_name: 'omar',
    },
    annotations: { summary: 'User omar failed to log in 7 times in 5 minutes' },
    state: 'Alerting',
    activeAt: new Date(NOW - 120_000).toISOString(),
    value: '7e+00',
  },
  {
    labels: { alertname: 'Repeated login failures (IP)', source: 'auditlens', client_address: '203.0.113.9' },
    annotations: { summary: 'IP 203.0.113.9 failed to log in 5 times in 5 minutes' },
    state: 'Normal',
    activeAt: new Date(NOW - 600_000).toISOString(),
    value: '',
  },
  {
    labels: { alertname: 'Disk full', source: 'node-exporter' },
    annotations: { summary: 'Disk of db-1 is full' },
    state: 'Alerting',
    activeAt: new Date(NOW - 60_000).toISOString(),
    value: '',
  },
];

const alertCalls = (app: ReturnType<typeof renderApp>) =>
  app.server.requests.filter((r) => r.url === GRAFANA_ALERTS_URL);

describe('the overview', () => {
  it('draws each readable type over the range in Grafana’s time series panel, with its total', async () => {
    renderApp(overview, PERMISSION_SETS.viewer);
    for (const t of LOG_TYPES) {
      const tile = await screen.findByTestId(testIds.tile(LOG_TYPE_SLUGS[t]));
      expect(await within(tile).findByText('150')).toBeInTheDocument();
      expect(tile.querySelector('[data-plugin-id="timeseries"]')).not.toBeNull();
      // The chart in words: counts by outcome.
      expect(within(tile).getByText('150 events over time by outcome')).toBeInTheDocument();
    }
    const access = screen.getByTestId(testIds.tile('access'));
    expect(within(access).getByText('success (112)')).toBeInTheDocument();
    expect(within(access).getByText('failure (38)')).toBeInTheDocument();
    expect(within(access).getByRole('link', { name: '38 failed logins' })).toHaveAttribute(
      'href',
      `${APP_BASE_PATH}/access?from=now-24h&to=now&action=login_failed`
    );
  });

  it('lists the users and IPs with the most failed logins, each a link to those failures', async () => {
    const app = renderApp(overview, PERMISSION_SETS.viewer);
    const users = await screen.findByTestId(testIds.topValues('access', 'user'));
    // One in four of the 150 sample events fails; users and IPs take turns (every 3rd, every 5th): 13, 13 and 12.
    const items = await within(users).findAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual(['jane13', 'omar13', 'li12']);
    expect(within(users).getByRole('link', { name: 'omar' })).toHaveAttribute(
      'href',
      `${APP_BASE_PATH}/access?from=now-24h&to=now&action=login_failed&user=omar`
    );
    const ips = await screen.findByTestId(testIds.topValues('access', 'ip'));
    expect(await within(ips).findAllByRole('link')).toHaveLength(5);
    const facetCalls = app.server.requests.filter((r) => r.url.endsWith('/logs/access/facets'));
    expect(facetCalls.map((r) => [r.params['field'], r.params['action']])).toEqual([
      ['user', 'login_failed'],
      ['ip', 'login_failed'],
    ]);
  });

  it('lists the webhooks and integrations failing most', async () => {
    renderApp(overview, PERMISSION_SETS.viewer);
    const webhooks = await screen.findByTestId(testIds.topValues('webhook-failures', 'webhook'));
    expect((await within(webhooks).findAllByRole('listitem')).map((i) => i.textContent)).toEqual([
      'Billing sync75',
      'CRM push75',
    ]);
    const integrations = await screen.findByTestId(testIds.topValues('integration-failures', 'integration'));
    expect(within(integrations).getByRole('link', { name: 'Salesforce' })).toHaveAttribute(
      'href',
      `${APP_BASE_PATH}/integration-failures?from=now-24h&to=now&integration=Salesforce`
    );
  });

  it('shows AuditLens’s login-failure alerts firing now, from Grafana’s alerting API, each a link', async () => {
    const app = renderApp(overview, PERMISSION_SETS.viewer, undefined, { alerts: ALERTS });
    const alerts = await screen.findByTestId(testIds.firingAlerts);
    const link = await within(alerts).findByRole('link', {
      name: 'User omar failed to log in 7 times in 5 minutes',
    });
    const since = Date.parse(ALERTS[0]!.activeAt) - 5 * 60_000;
    expect(link).toHaveAttribute(
      'href',
      `${APP_BASE_PATH}/access?from=${since}&to=now&action=login_failed&user=omar`
    );
    // Normal instances and other rules' alerts are not AuditLens's firing ones.
    expect(within(alerts).getAllByRole('link')).toHaveLength(1);
    expect(alertCalls(app)).toHaveLength(1);
  });

  it('says so when nothing fires', async () => {
    renderApp(overview, PERMISSION_SETS.viewer, undefined, { alerts: [ALERTS[1]!] });
    const alerts = await screen.findByTestId(testIds.firingAlerts);
    expect(await within(alerts).findByText(/None firing/)).toBeInTheDocument();
  });

  it('asks Grafana for alerts only with alert.instances:read, and says why they are missing', async () => {
    const app = renderApp(overview, PERMISSION_SETS.viewer, undefined, {
      alerts: ALERTS,
      basicRole: ['plugins.app:access'],
    });
    const alerts = await screen.findByTestId(testIds.firingAlerts);
    expect(within(alerts).getByText(/alert\.instances:read/)).toBeInTheDocument();
    await screen.findAllByText('150');
    expect(alertCalls(app)).toEqual([]);
  });

  it('leaves out alerts for a user who may not read access logs, and calls only the readable type', async () => {
    const app = renderApp(overview, [readAction('webhook_failure')], undefined, { alerts: ALERTS });
    expect(await screen.findByTestId(testIds.tile('webhook-failures'))).toBeInTheDocument();
    await screen.findByText('150');
    expect(screen.queryByTestId(testIds.firingAlerts)).not.toBeInTheDocument();
    expect(screen.queryByTestId(testIds.tile('access'))).not.toBeInTheDocument();
    expect(alertCalls(app)).toEqual([]);
    for (const call of app.server.proxyCalls())
      expect(call.path.startsWith(PROXY_ROUTES.logs('webhook_failure'))).toBe(true);
  });

  it('tells a new install how events get here, when no type has any', async () => {
    renderApp(overview, PERMISSION_SETS.viewer, new FakeExportService([]));
    const start = await screen.findByTestId(testIds.gettingStarted);
    expect(within(start).getByText('No audit events in this time range yet')).toBeInTheDocument();
    expect(within(start).getByLabelText('Emitter example').textContent).toMatch(/audit\.access\(/);
  });

  it('does not show the getting-started text once any type has events', async () => {
    const one = sampleEvents(NOW, 3).filter((e) => e.logType === 'activity');
    renderApp(overview, PERMISSION_SETS.viewer, new FakeExportService(one));
    expect(
      await within(await screen.findByTestId(testIds.tile('activity'))).findByText('3')
    ).toBeInTheDocument();
    await within(screen.getByTestId(testIds.tile('access'))).findByText('0');
    expect(screen.queryByTestId(testIds.gettingStarted)).not.toBeInTheDocument();
  });
});
