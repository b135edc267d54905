import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { APP_BASE_PATH, PLUGIN_ID } from '@auditlens/contract';
import { renderApp } from '../../../test/support/renderApp';
import { PERMISSION_SETS } from '../../../test/support/grafanaBoot';
import { FakeExportService } from '../../../test/support/fakeExportService';
import { testIds } from '../../testIds';
import { POLL_MS } from './ExportsScene';

function serviceWithExport(): FakeExportService {
  const service = new FakeExportService([]);
  service.queueExport();
  return service;
}

describe('My exports', () => {
  afterEach(() => jest.useRealTimers());

  it('shows status live and offers the file once it is done', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const service = serviceWithExport();
    const app = renderApp(`${APP_BASE_PATH}/exports`, PERMISSION_SETS.exporter, service);
    const row = await screen.findByTestId(testIds.exportRow('exp-1'));
    expect(within(row).getByText('queued')).toBeInTheDocument();
    expect(within(row).queryByText('Download')).not.toBeInTheDocument();

    service.advance('exp-1', { status: 'running', rows: 5000 });
    await act(() => jest.advanceTimersByTimeAsync(POLL_MS));
    expect(
      await within(screen.getByTestId(testIds.exportRow('exp-1'))).findByText('running')
    ).toBeInTheDocument();
    expect(within(screen.getByTestId(testIds.exportRow('exp-1'))).getByText('5,000')).toBeInTheDocument();

    service.advance('exp-1', { status: 'done', rows: 12345, bytes: 2_500_000, downloadable: true });
    await act(() => jest.advanceTimersByTimeAsync(POLL_MS));
    const done = screen.getByTestId(testIds.exportRow('exp-1'));
    const link = await within(done).findByRole('link', { name: /Download/ });
    expect(link).toHaveAttribute('href', `/api/plugin-proxy/${PLUGIN_ID}/exports/exp-1/file`);
    expect(within(done).getByText('2.4 MB')).toBeInTheDocument();

    // Nothing in flight: the page stops asking.
    const calls = app.server.requests.length;
    await act(() => jest.advanceTimersByTimeAsync(POLL_MS * 3));
    expect(app.server.requests.length).toBe(calls);
  });

  it('shows how far a running export has come, of the service’s estimate, live', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const service = serviceWithExport();
    renderApp(`${APP_BASE_PATH}/exports`, PERMISSION_SETS.exporter, service);
    await screen.findByTestId(testIds.exportRow('exp-1'));

    service.advance('exp-1', { status: 'running', rows: 5000, estimatedRows: 20000 });
    await act(() => jest.advanceTimersByTimeAsync(POLL_MS));
    const row = () => screen.getByTestId(testIds.exportRow('exp-1'));
    expect(await within(row()).findByText('of about 20,000', { exact: false })).toBeInTheDocument();
    expect(within(row()).getByRole('progressbar')).toHaveAttribute('value', '25');
    expect(within(row()).getByRole('progressbar')).toHaveAccessibleName(
      'Export exp-1: 25% of the rows written'
    );

    service.advance('exp-1', { rows: 15000 });
    await act(() => jest.advanceTimersByTimeAsync(POLL_MS));
    await waitFor(() => expect(within(row()).getByRole('progressbar')).toHaveAttribute('value', '75'));
    expect(within(row()).getByText('15,000')).toBeInTheDocument();

    // Past the estimate the bar stays short of full until the export is done; then only the count remains.
    service.advance('exp-1', { status: 'sending', rows: 20500 });
    await act(() => jest.advanceTimersByTimeAsync(POLL_MS));
    await waitFor(() => expect(within(row()).getByRole('progressbar')).toHaveAttribute('value', '99'));
    service.advance('exp-1', { status: 'done', rows: 20500, downloadable: true });
    await act(() => jest.advanceTimersByTimeAsync(POLL_MS));
    await waitFor(() => expect(within(row()).queryByRole('progressbar')).not.toBeInTheDocument());
    expect(within(row()).getByText('20,500')).toBeInTheDocument();
  });

  it('shows only the rows written when the service gives no estimate', async () => {
    const service = serviceWithExport();
    service.advance('exp-1', { status: 'running', rows: 1234, estimatedRows: null });
    renderApp(`${APP_BASE_PATH}/exports`, PERMISSION_SETS.exporter, service);
    const row = await screen.findByTestId(testIds.exportRow('exp-1'));
    expect(within(row).getByText('1,234')).toBeInTheDocument();
    expect(within(row).queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('shows a failed export with its error', async () => {
    const service = serviceWithExport();
    service.advance('exp-1', { status: 'failed', error: 'SMTP refused the message' });
    renderApp(`${APP_BASE_PATH}/exports`, PERMISSION_SETS.exporter, service);
    const row = await screen.findByTestId(testIds.exportRow('exp-1'));
    expect(within(row).getByText('failed')).toBeInTheDocument();
    expect(within(row).getByText('SMTP refused the message')).toBeInTheDocument();
  });

  it('asks for the mail again while the file lives, and follows it until it is sent', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const service = serviceWithExport();
    service.advance('exp-1', {
      status: 'failed',
      rows: 10,
      bytes: 900,
      downloadable: true,
      error: 'the mail server refused the mail (SMTP 550); download the file or send the mail again',
    });
    const app = renderApp(`${APP_BASE_PATH}/exports`, PERMISSION_SETS.exporter, service);
    const row = await screen.findByTestId(testIds.exportRow('exp-1'));
    expect(within(row).getByRole('link', { name: /Download/ })).toBeInTheDocument();
    fireEvent.click(within(row).getByTestId(testIds.resendMail('exp-1')));
    expect(
      await within(screen.getByTestId(testIds.exportRow('exp-1'))).findByText('waiting for the mail server')
    ).toBeInTheDocument();
    expect(service.mailRequests).toEqual(['exp-1']);
    expect(app.server.proxyCalls()).toContainEqual({ path: 'exports/exp-1/mail', status: 202 });

    // Polled while the mail is on its way; the button stays for "send now", then the export is done.
    service.advance('exp-1', { status: 'done', error: null });
    await act(() => jest.advanceTimersByTimeAsync(POLL_MS));
    const done = screen.getByTestId(testIds.exportRow('exp-1'));
    expect(await within(done).findByText('done')).toBeInTheDocument();
    expect(within(done).getByTestId(testIds.resendMail('exp-1'))).toHaveTextContent('Send again');
  });

  it('shows the integrity of done exports, asked again only when another export is done', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    const service = serviceWithExport();
    service.queueExport();
    service.advance('exp-1', { status: 'done', rows: 10, downloadable: true });
    service.advance('exp-2', { status: 'running', rows: 5 });
    const summary = { verified: 10, total: 10, problemCount: 0, sha256: 'ab'.repeat(32) };
    service.exportIntegrity = { 'exp-1': { status: 'intact', ...summary } };
    const app = renderApp(`${APP_BASE_PATH}/exports`, PERMISSION_SETS.exporter, service);
    const integrityCalls = () => app.server.proxyCalls().filter((c) => c.path === 'exports/integrity');

    const first = await screen.findByTestId(testIds.exportIntegrity('exp-1'));
    expect(within(first).getByText('verified')).toBeInTheDocument();
    expect(within(first).getByRole('link', { name: /Manifest/ })).toHaveAttribute(
      'href',
      `/api/plugin-proxy/${PLUGIN_ID}/exports/exp-1/manifest`
    );
    // Polled while exp-2 runs: the list again, the summaries not (nothing new is done).
    await act(() => jest.advanceTimersByTimeAsync(POLL_MS * 2));
    expect(integrityCalls()).toHaveLength(1);

    service.advance('exp-2', { status: 'done', rows: 12, downloadable: true });
    service.exportIntegrity = {
      ...service.exportIntegrity,
      'exp-2': { status: 'problems', ...summary, verified: 11, total: 12, problemCount: 1 },
    };
    await act(() => jest.advanceTimersByTimeAsync(POLL_MS));
    const second = await screen.findByTestId(testIds.exportIntegrity('exp-2'));
    expect(within(second).getByText('problems')).toBeInTheDocument();
    expect(integrityCalls()).toHaveLength(2);
  });

  it('offers no mail once the file expired', async () => {
    const service = serviceWithExport();
    service.advance('exp-1', { status: 'done', downloadable: false, expiresAt: '2026-11-01T00:00:00.000Z' });
    renderApp(`${APP_BASE_PATH}/exports`, PERMISSION_SETS.exporter, service);
    const row = await screen.findByTestId(testIds.exportRow('exp-1'));
    expect(within(row).getByText('expired')).toBeInTheDocument();
    expect(within(row).queryByTestId(testIds.resendMail('exp-1'))).not.toBeInTheDocument();
  });

  it('shows the service refusing a mail', async () => {
    const service = serviceWithExport();
    service.advance('exp-1', { status: 'done', downloadable: true });
    renderApp(`${APP_BASE_PATH}/exports`, PERMISSION_SETS.exporter, service);
    const row = await screen.findByTestId(testIds.exportRow('exp-1'));
    // The file expires between the list and the click.
    service.advance('exp-1', { downloadable: false });
    fireEvent.click(within(row).getByTestId(testIds.resendMail('exp-1')));
    expect(await screen.findByText('the export file has expired; export again')).toBeInTheDocument();
  });
});
