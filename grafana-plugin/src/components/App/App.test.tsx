import { screen, within } from '@testing-library/react';
import { APP_BASE_PATH, LOG_TYPES, LOG_TYPE_SLUGS, PROXY_ROUTES, type LogType } from '@auditlens/contract';
import { renderApp, type RenderedApp } from '../../../test/support/renderApp';
import { PERMISSION_SETS } from '../../../test/support/grafanaBoot';
import { testIds } from '../../testIds';

const page = (slug: string) => `${APP_BASE_PATH}/${slug}`;
const NO_ACCESS = /You need the View audit logs permission/;

/** Every call went to a route of a type in `types` (or exports), and Grafana denied none. */
function expectCallsOnlyTo(app: RenderedApp, types: readonly LogType[], exports = false): void {
  const allowed = [...types.map((t) => PROXY_ROUTES.logs(t)), ...(exports ? [PROXY_ROUTES.exports] : [])];
  for (const call of app.server.proxyCalls()) {
    expect(allowed.some((route) => call.path === route || call.path.startsWith(`${route}/`))).toBe(true);
    expect(call.status).toBeLessThan(400);
  }
}

describe('a user without any read action', () => {
  it.each(['overview', 'activity', 'access', 'webhook-failures', 'integration-failures', 'exports'])(
    'sees the permission page on %s, and nothing is requested',
    async (slug) => {
      const app = renderApp(page(slug), PERMISSION_SETS.none);
      expect(await screen.findByText(NO_ACCESS)).toBeInTheDocument();
      expect(screen.queryByTestId(testIds.logTable)).not.toBeInTheDocument();
      expect(app.server.requests).toEqual([]);
    }
  );
});

describe('an audit log viewer (all four types, no export)', () => {
  it('sees a tile per log type with its count, and the access tile shows failed logins', async () => {
    const app = renderApp(page('overview'), PERMISSION_SETS.viewer);
    for (const t of LOG_TYPES)
      expect(await screen.findByTestId(testIds.tile(LOG_TYPE_SLUGS[t]))).toBeInTheDocument();
    const access = screen.getByTestId(testIds.tile('access'));
    // 150 events in the last 150 minutes, one in four a failed login: 38 within the default 24 hours.
    expect(await within(access).findByText('150')).toBeInTheDocument();
    expect(within(access).getByText('38 failed logins')).toBeInTheDocument();
    const webhooks = screen.getByTestId(testIds.tile('webhook-failures'));
    expect(await within(webhooks).findByText('Billing sync')).toBeInTheDocument();
    expectCallsOnlyTo(app, LOG_TYPES);
  });

  it.each(LOG_TYPES)('reads the %s page without an Export button', async (logType) => {
    const app = renderApp(page(LOG_TYPE_SLUGS[logType]), PERMISSION_SETS.viewer);
    expect(await screen.findByTestId(testIds.logTable)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.filterBar)).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.exportButton)).not.toBeInTheDocument();
    expectCallsOnlyTo(app, [logType]);
  });

  it('gets the permission page for My exports, which needs the export action', async () => {
    const app = renderApp(page('exports'), PERMISSION_SETS.viewer);
    expect(await screen.findByText(NO_ACCESS)).toBeInTheDocument();
    expect(app.server.requests).toEqual([]);
  });
});

describe('a user granted only the access-log role', () => {
  it('sees only the access tile on the overview', async () => {
    const app = renderApp(page('overview'), PERMISSION_SETS.accessOnly);
    expect(await screen.findByTestId(testIds.tile('access'))).toBeInTheDocument();
    for (const t of LOG_TYPES.filter((x) => x !== 'access'))
      expect(screen.queryByTestId(testIds.tile(LOG_TYPE_SLUGS[t]))).not.toBeInTheDocument();
    await screen.findByText('38 failed logins');
    expectCallsOnlyTo(app, ['access']);
  });

  it.each(['activity', 'webhook-failures', 'integration-failures'])(
    'gets the permission page on %s, even by typing its URL',
    async (slug) => {
      const app = renderApp(page(slug), PERMISSION_SETS.accessOnly);
      expect(await screen.findByText(NO_ACCESS)).toBeInTheDocument();
      expect(app.server.requests).toEqual([]);
    }
  );

  it('reads access logs with their filters: action, username, brand, portal, login source, IP, text', async () => {
    const app = renderApp(page('access'), PERMISSION_SETS.accessOnly);
    await screen.findByTestId(testIds.logTable);
    for (const label of ['Action', 'Username', 'Brand', 'Portal', 'Login source', 'IP address'])
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    expect(screen.getByLabelText('Search text')).toBeInTheDocument();
    expectCallsOnlyTo(app, ['access']);
  });
});

describe('an audit log exporter', () => {
  it('gets the Export button on every log page', async () => {
    for (const t of LOG_TYPES) {
      const app = renderApp(page(LOG_TYPE_SLUGS[t]), PERMISSION_SETS.exporter);
      expect(await screen.findByTestId(testIds.exportButton)).toBeInTheDocument();
      app.unmount();
    }
  });

  it('opens My exports', async () => {
    const app = renderApp(page('exports'), PERMISSION_SETS.exporter);
    expect(await screen.findByText(/No exports yet/)).toBeInTheDocument();
    expectCallsOnlyTo(app, [], true);
  });
});

it('sends unknown app paths to the overview', async () => {
  renderApp(page('nonsense'), PERMISSION_SETS.viewer);
  expect(await screen.findByTestId(testIds.overview)).toBeInTheDocument();
});

it('opens the getting-started page the config page links to, without asking for any audit data', async () => {
  const app = renderApp(page('getting-started'), PERMISSION_SETS.viewer);
  const start = await screen.findByTestId(testIds.gettingStarted);
  expect(within(start).getByLabelText('Emitter example').textContent).toContain('createAuditEmitter');
  expect(app.server.requests).toEqual([]);
});
