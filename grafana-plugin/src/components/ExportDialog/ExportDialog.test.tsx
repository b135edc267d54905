import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { APP_BASE_PATH, PROXY_ROUTES, type ExportRequest } from '@auditlens/contract';
import { renderApp } from '../../../test/support/renderApp';
import { PERMISSION_SETS } from '../../../test/support/grafanaBoot';
import { testIds } from '../../testIds';

async function openDialog(path: string) {
  const app = renderApp(path, PERMISSION_SETS.exporter);
  const user = userEvent.setup();
  await user.click(await screen.findByTestId(testIds.exportButton));
  const dialog = await screen.findByTestId(testIds.exportDialog);
  return { app, user, dialog };
}

const exportPosts = (app: ReturnType<typeof renderApp>) =>
  app.server.requests.filter((r) => r.method === 'POST' && r.url.endsWith(`/${PROXY_ROUTES.exports}`));

describe('the export dialog', () => {
  it('lists the current filters and queues the current view as XLSX, to be emailed', async () => {
    const { app, user, dialog } = await openDialog(`${APP_BASE_PATH}/access?user=omar&portal=agent&q=logged`);
    const filters = within(dialog).getByRole('list', { name: 'Filters of the export' });
    expect(
      within(filters)
        .getAllByRole('listitem')
        .map((li) => li.textContent)
    ).toEqual(['Username: omar', 'Portal: agent', 'Contains: logged']);
    await user.click(within(dialog).getByLabelText('XLSX'));
    await user.click(within(dialog).getByRole('button', { name: /Export and email/ }));
    expect(await within(dialog).findByText('Export queued')).toBeInTheDocument();
    expect(within(dialog).getByText(/emailed to you/)).toBeInTheDocument();

    // First a grant through the access read route, then the export through the exports route.
    const paths = app.server.proxyCalls().map((c) => c.path);
    expect(paths.filter((p) => p.includes('export'))).toEqual(['logs/access/export-grants', 'exports']);
    const body = exportPosts(app)[0]!.data as ExportRequest;
    expect(body).toMatchObject({
      logType: 'access',
      format: 'xlsx',
      filters: { user: 'omar', portal: 'agent', q: 'logged' },
      timezone: 'UTC',
    });
    const span = Date.parse(body.to) - Date.parse(body.from);
    expect(span).toBe(24 * 3600_000);
    expect(app.service.exports).toHaveLength(1);
  });

  it('exports another time frame typed in the viewer’s zone, and refuses a start after the end', async () => {
    const { app, user, dialog } = await openDialog(`${APP_BASE_PATH}/activity`);
    await user.click(within(dialog).getByLabelText('Another range'));
    const from = within(dialog).getByLabelText('From');
    const to = within(dialog).getByLabelText('To');
    await user.clear(from);
    await user.type(from, '2026-11-02T10:00');
    await user.clear(to);
    await user.type(to, '2026-11-01T10:00');
    expect(within(dialog).getByText('The start must be before the end.')).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: /Export and email/ })).toBeDisabled();
    await user.clear(to);
    await user.type(to, '2026-11-03T10:00');
    await user.click(within(dialog).getByRole('button', { name: /Export and email/ }));
    await within(dialog).findByText('Export queued');
    expect(exportPosts(app)[0]!.data).toMatchObject({
      format: 'csv',
      from: '2026-11-02T10:00:00.000Z',
      to: '2026-11-03T10:00:00.000Z',
      filters: {},
    });
  });

  it('shows why the export was refused and keeps the dialog open', async () => {
    const { app, user, dialog } = await openDialog(`${APP_BASE_PATH}/access`);
    jest.spyOn(app.service, 'handle').mockReturnValue({
      status: 400,
      data: { error: 'range too long', issues: [{ field: 'from', message: 'at most 366 days' }] },
    });
    await user.click(within(dialog).getByRole('button', { name: /Export and email/ }));
    expect(await within(dialog).findByText('Could not queue the export')).toBeInTheDocument();
    expect(within(dialog).getByText('range too long (from: at most 366 days)')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByTestId(testIds.exportDialog)).not.toBeInTheDocument());
  });
});
