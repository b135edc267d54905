import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { locationService } from '@grafana/runtime';
import { APP_BASE_PATH, type AuditRow } from '@auditlens/contract';
import { renderApp } from '../../../test/support/renderApp';
import { PERMISSION_SETS } from '../../../test/support/grafanaBoot';
import { FakeExportService, sampleEvents } from '../../../test/support/fakeExportService';
import { testIds } from '../../testIds';

const NOW = Date.now();

function service(): { service: FakeExportService; events: AuditRow[] } {
  const events = sampleEvents(NOW);
  return { service: new FakeExportService(events), events };
}

// Plain selectors: role queries over hundreds of cells are slow in jsdom.
const bodyRows = () =>
  [...screen.getByTestId(testIds.logTable).querySelectorAll('tbody tr')] as HTMLElement[];
const detailsButton = (row: HTMLElement) => row.querySelector('button')!;
const cellsOf = (row: HTMLElement) => [...row.querySelectorAll('td')].map((c) => c.textContent);
const logCalls = (app: ReturnType<typeof renderApp>, slug: string) =>
  app.server.requests.filter((r) => r.url.endsWith(`/logs/${slug}`));

describe('a log type page', () => {
  it('shows the access columns, newest first, with When in the viewer’s time zone (UTC here)', async () => {
    const { service: s, events } = service();
    renderApp(`${APP_BASE_PATH}/access`, PERMISSION_SETS.viewer, s);
    await screen.findByTestId(testIds.logTable);
    const headers = [...screen.getByTestId(testIds.logTable).querySelectorAll('th')].map(
      (h) => h.textContent
    );
    expect(headers).toEqual([
      'When',
      'Username',
      'IP address',
      'Action',
      'Brand',
      'Portal',
      'Login source',
      'Impersonator',
    ]);
    const newest = events.find((e) => e.logType === 'access')!;
    const first = cellsOf(bodyRows()[0]!);
    expect(first[0]).toBe(newest.time.replace('T', ' ').replace('Z', ''));
    // Values read as the contract labels them (and as an exported file has them), not as Loki stores them.
    expect(first.slice(1, 4)).toEqual(['jane', '203.0.113.1', 'Failed login']);
    expect(bodyRows()).toHaveLength(100);
  });

  it('shows the activity columns of the seeds: When, Where, Actor, Action type, Target, description', async () => {
    renderApp(`${APP_BASE_PATH}/activity`, PERMISSION_SETS.viewer, service().service);
    await screen.findByTestId(testIds.logTable);
    const headers = [...screen.getByTestId(testIds.logTable).querySelectorAll('th')].map(
      (h) => h.textContent
    );
    expect(headers).toEqual([
      'When',
      'Where',
      'Actor',
      'Category',
      'Action type',
      'Target',
      'Action description',
    ]);
    expect(cellsOf(bodyRows()[0]!).slice(1)).toEqual([
      '203.0.113.1',
      'jane',
      'SLA',
      'Update',
      'Policy 0 (sla_policy)',
      'jane changed Policy 0',
    ]);
  });

  it('shows When in the time zone chosen in Grafana’s time picker (kept in the URL)', async () => {
    const { service: s, events } = service();
    renderApp(`${APP_BASE_PATH}/access?timezone=Asia/Kolkata`, PERMISSION_SETS.viewer, s);
    await screen.findByTestId(testIds.logTable);
    const newest = Date.parse(events.find((e) => e.logType === 'access')!.time);
    const kolkata = new Date(newest + 5.5 * 3600_000).toISOString().replace('T', ' ').replace('Z', '');
    expect(cellsOf(bodyRows()[0]!)[0]).toBe(kolkata);
  });

  it('opens a row’s details from the keyboard, and Escape closes them', async () => {
    renderApp(`${APP_BASE_PATH}/access?user=omar&portal=agent`, PERMISSION_SETS.viewer, service().service);
    const user = userEvent.setup();
    await screen.findByTestId(testIds.logTable);
    const first = detailsButton(bodyRows()[0]!);
    expect(first).toHaveAccessibleName(/^Details of omar/);
    first.focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByTestId(testIds.eventDrawer)).toBeInTheDocument();
    await user.keyboard('{Escape}');
    // The drawer animates out; on a loaded CI machine that takes longer than waitFor's default second.
    await waitFor(() => expect(screen.queryByTestId(testIds.eventDrawer)).not.toBeInTheDocument(), {
      timeout: 8000,
    });
  });

  it('pages through the cursor with "Load older events" until there are none', async () => {
    const app = renderApp(`${APP_BASE_PATH}/access`, PERMISSION_SETS.viewer, service().service);
    const user = userEvent.setup();
    await screen.findByTestId(testIds.logTable);
    // Text, not role, queries: computing the roles of hundreds of cells is slow in jsdom.
    await user.click(screen.getByText('Load older events').closest('button')!);
    await waitFor(() => expect(bodyRows()).toHaveLength(150));
    expect(screen.queryByText('Load older events')).not.toBeInTheDocument();
    expect(logCalls(app, 'access').map((r) => r.params['cursor'])).toEqual([undefined, '100']);
  });

  it('takes its filters from the URL, so a shared link shows the same view', async () => {
    const app = renderApp(
      `${APP_BASE_PATH}/access?user=omar&portal=agent`,
      PERMISSION_SETS.viewer,
      service().service
    );
    await screen.findByTestId(testIds.logTable);
    for (const row of bodyRows()) expect(cellsOf(row).slice(1, 2)).toEqual(['omar']);
    expect(logCalls(app, 'access')[0]!.params).toMatchObject({ user: 'omar', portal: 'agent' });
  });

  it('puts a filter chosen from the facet dropdown into the URL and reloads the table', async () => {
    const app = renderApp(`${APP_BASE_PATH}/access`, PERMISSION_SETS.viewer, service().service);
    const user = userEvent.setup();
    await screen.findByTestId(testIds.logTable);
    await user.click(screen.getByLabelText('Username'));
    await user.click(await screen.findByRole('option', { name: /^omar/ }));
    await waitFor(() => expect(locationService.getSearchObject()['user']).toBe('omar'));
    await waitFor(() => expect(cellsOf(bodyRows()[0]!)[1]).toBe('omar'));
    for (const row of bodyRows()) expect(cellsOf(row)[1]).toBe('omar');
    // Suggestions from the newest events first, then the exact counts.
    const facetCalls = app.server.requests.filter((r) => r.url.endsWith('/logs/access/facets'));
    expect(facetCalls.map((r) => [r.params['field'], r.params['mode']])).toEqual([
      ['user', 'suggest'],
      ['user', 'exact'],
    ]);
  });

  it('searches the description with free text, kept in the URL as q', async () => {
    const app = renderApp(`${APP_BASE_PATH}/access`, PERMISSION_SETS.viewer, service().service);
    const user = userEvent.setup();
    await screen.findByTestId(testIds.logTable);
    await user.type(screen.getByLabelText('Search text'), 'failed to log in{Enter}');
    await waitFor(() => expect(locationService.getSearchObject()['q']).toBe('failed to log in'));
    await waitFor(() => expect(logCalls(app, 'access').at(-1)!.params['q']).toBe('failed to log in'));
    await waitFor(() => expect(bodyRows()).toHaveLength(38));
  });

  it('says so when nothing matches', async () => {
    renderApp(`${APP_BASE_PATH}/access?user=nobody`, PERMISSION_SETS.viewer, service().service);
    expect(await screen.findByTestId(testIds.emptyState)).toBeInTheDocument();
  });

  it('shows the service’s message when it rejects the query', async () => {
    renderApp(`${APP_BASE_PATH}/access`, PERMISSION_SETS.viewer, new FailingService());
    expect(await screen.findByText('Could not load audit logs')).toBeInTheDocument();
    // The table, the chart and the integrity line each say why.
    expect(screen.getAllByText(/Loki is unavailable; try again shortly/)).toHaveLength(3);
  });

  it('opens a row in a drawer with every field, and for activity the changes as a diff', async () => {
    renderApp(`${APP_BASE_PATH}/activity`, PERMISSION_SETS.viewer, service().service);
    const user = userEvent.setup();
    await screen.findByTestId(testIds.logTable);
    const button = detailsButton(bodyRows()[0]!);
    // The name holds what the button shows (its time), as WCAG's label-in-name asks.
    expect(button).toHaveAccessibleName(`Details of jane changed Policy 0 at ${cellsOf(bodyRows()[0]!)[0]}`);
    await user.click(button);
    const drawer = await screen.findByTestId(testIds.eventDrawer);
    const changes = within(drawer).getByRole('table', { name: 'Changes' });
    expect(
      within(changes)
        .getAllByRole('row')
        .slice(1)
        .map((r) => r.textContent)
    ).toEqual(['enabledtruefalse']);
    // Fields read as the table reads them: the contract's labels, the seed's words for activity.
    const fields = within(drawer).getByRole('table', { name: 'Event fields' });
    expect(within(fields).getByText('Target').nextSibling?.textContent).toBe('Policy 0');
    expect(within(fields).getByText('Event ID').nextSibling?.textContent).toBe('activity-0000');
    expect(
      within(fields)
        .getAllByRole('rowheader')
        .map((h) => h.textContent)
    ).toEqual([
      'Event ID',
      'Time (UTC)',
      'Where',
      'Actor',
      'Category',
      'Action type',
      'Target',
      'Target type',
      'Outcome',
    ]);
    // The id once; Loki's raw names only in the folded "All fields".
    expect(within(drawer).getAllByText('activity-0000')).toHaveLength(1);
    expect(within(drawer).queryByText('audit_target_name')).not.toBeInTheDocument();
    await user.click(within(drawer).getByRole('button', { name: 'All fields' }));
    const raw = within(drawer).getByRole('table', { name: 'All fields by Loki name' });
    expect(within(raw).getByText('audit_target_name').nextSibling?.textContent).toBe('Policy 0');
    expect(within(raw).getByText('client_address').nextSibling?.textContent).toBe('203.0.113.1');
    expect(within(raw).queryByText('audit_event_id')).not.toBeInTheDocument();
  });

  it('gives each event a link that opens its page with its details, and closing them leaves the URL', async () => {
    const { service: s, events } = service();
    const second = events.filter((e) => e.logType === 'access')[1]!;
    const user = userEvent.setup();
    const first = renderApp(`${APP_BASE_PATH}/access`, PERMISSION_SETS.viewer, s);
    await screen.findByTestId(testIds.logTable);
    await user.click(detailsButton(bodyRows()[1]!));
    const link = await screen.findByTestId(testIds.eventLink);
    const at = Date.parse(second.time);
    expect(link.textContent).toBe(
      `http://localhost${APP_BASE_PATH}/access?from=${at}&to=${at + 1}&event=${second.id}`
    );
    expect(locationService.getSearchObject()['event']).toBe(second.id);
    first.unmount();

    // Someone else opens the link: one event in range, its drawer open.
    const app = renderApp(
      new URL(link.textContent!).pathname + new URL(link.textContent!).search,
      PERMISSION_SETS.viewer,
      s
    );
    const drawer = await screen.findByTestId(testIds.eventDrawer);
    expect(within(drawer).getByText('Event ID').nextSibling?.textContent).toBe(second.id);
    expect(bodyRows()).toHaveLength(1);
    expect(logCalls(app, 'access')[0]!.params).toMatchObject({ from: String(at), to: String(at + 1) });
    await user.keyboard('{Escape}');
    await waitFor(() => expect(locationService.getSearchObject()['event']).toBeUndefined());
  });

  it('says so when a linked event is not in the range', async () => {
    renderApp(`${APP_BASE_PATH}/access?event=no-such-event`, PERMISSION_SETS.viewer, service().service);
    expect(await screen.findByText('The linked event is not in this view')).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.eventDrawer)).not.toBeInTheDocument();
  });

  it('charts events over time split by action, or by outcome on request', async () => {
    const app = renderApp(`${APP_BASE_PATH}/access`, PERMISSION_SETS.viewer, service().service);
    const user = userEvent.setup();
    const chart = await screen.findByTestId(testIds.chart);
    // Grafana's time series panel draws it (a canvas, not in jsdom); its totals are in words beside it.
    expect(await within(chart).findByText('150 events over time by action')).toBeInTheDocument();
    expect(chart.querySelector('[data-plugin-id="timeseries"]')).not.toBeNull();
    expect(within(chart).getByText('login (112)')).toBeInTheDocument();
    expect(within(chart).getByText('login_failed (38)')).toBeInTheDocument();
    await user.click(within(chart).getByLabelText('By outcome'));
    expect(await within(chart).findByText('failure (38)')).toBeInTheDocument();
    const stats = app.server.requests.filter((r) => r.url.endsWith('/logs/access/stats'));
    expect(stats.map((r) => r.params['by'])).toEqual(['action', 'outcome']);
  });

  it('shows the rows as soon as they are in, while the counts are still on their way', async () => {
    const { service: s } = service();
    const app = renderApp(`${APP_BASE_PATH}/access`, PERMISSION_SETS.viewer, s);
    // Too late to hold the first answers: hold the counts of the next query, then filter.
    await screen.findByTestId(testIds.logTable);
    const release = app.server.hold('/logs/access/stats');
    act(() => locationService.partial({ user: 'omar' }));
    await waitFor(() => expect(cellsOf(bodyRows()[0]!)[1]).toBe('omar'));
    const chart = screen.getByTestId(testIds.chart);
    expect(within(chart).queryByText(/events over time by action/)).not.toBeInTheDocument();
    release();
    expect(await within(chart).findByText('50 events over time by action')).toBeInTheDocument();
  });

  it('asks for a filter’s suggestions and counts once per time range, however often its dropdown opens', async () => {
    const app = renderApp(
      `${APP_BASE_PATH}/access?from=now-6h&to=now`,
      PERMISSION_SETS.viewer,
      service().service
    );
    const user = userEvent.setup();
    await screen.findByTestId(testIds.logTable);
    const facetCalls = () => app.server.requests.filter((r) => r.url.endsWith('/logs/access/facets'));
    for (let i = 0; i < 3; i++) {
      await user.click(screen.getByLabelText('Username'));
      expect(await screen.findByRole('option', { name: /^omar/ })).toBeInTheDocument();
      await user.keyboard('{Escape}');
    }
    expect(facetCalls().map((r) => r.params['mode'])).toEqual(['suggest', 'exact']);
    // Another range: the values are asked again on the next opening, and only then.
    act(() => locationService.partial({ from: 'now-3h' }));
    await waitFor(() => expect(logCalls(app, 'access')).toHaveLength(2));
    expect(facetCalls()).toHaveLength(2);
    await user.click(screen.getByLabelText('Username'));
    expect(await screen.findByRole('option', { name: /^omar/ })).toBeInTheDocument();
    await waitFor(() => expect(facetCalls()).toHaveLength(4));
    expect(Number(facetCalls()[3]!.params['from'])).toBeGreaterThan(Number(facetCalls()[1]!.params['from']));
  });

  it('tells how events get here when a type has none in the range, and says the filters match nothing', async () => {
    renderApp(`${APP_BASE_PATH}/webhook-failures`, PERMISSION_SETS.viewer, new FakeExportService([]));
    const empty = await screen.findByTestId(testIds.emptyState);
    expect(within(empty).getByText('No webhook failures in this time range')).toBeInTheDocument();
    expect(within(empty).getByLabelText('Emitter example').textContent).toContain('createAuditEmitter');
    expect(within(empty).getByLabelText('Demo producer command').textContent).toContain('scripts/demo.sh');
  });

  it('follows the time picker: an older range asks the service for that range', async () => {
    // now-6d is resolved when the page asks, so the bounds are taken around the render, not at the file's start.
    const before = Date.now();
    const app = renderApp(
      `${APP_BASE_PATH}/access?from=now-7d&to=now-6d`,
      PERMISSION_SETS.viewer,
      service().service
    );
    expect(await screen.findByTestId(testIds.emptyState)).toBeInTheDocument();
    const call = logCalls(app, 'access')[0]!;
    const span = Number(call.params['to']) - Number(call.params['from']);
    expect(span).toBe(86_400_000);
    const askedAfter = Date.now();
    expect(Number(call.params['to'])).toBeGreaterThanOrEqual(before - 6 * 86_400_000 - 1000);
    expect(Number(call.params['to'])).toBeLessThanOrEqual(askedAfter - 6 * 86_400_000);
    await act(async () => {});
  });
});

/** The double answering every log query as the service does when Loki is down. */
class FailingService extends FakeExportService {
  constructor() {
    super([]);
  }
  override handle(): { status: number; data: unknown } {
    return { status: 502, data: { error: 'Loki is unavailable; try again shortly' } };
  }
}
