import React from 'react';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { PLUGIN_ID } from '@auditlens/contract';
import { bootGrafana, PERMISSION_SETS } from '../../../test/support/grafanaBoot';
import { FakeExportService } from '../../../test/support/fakeExportService';
import { ApiProvider } from '../../api/ApiContext';
import type { AppSettings } from '../../constants';
import { testIds } from '../../testIds';
import { AppConfig } from './AppConfig';

function renderConfig(
  actions: readonly string[],
  meta: Partial<AppPluginMeta<AppSettings>>,
  service = new FakeExportService([])
) {
  const server = bootGrafana('admin', actions, service);
  const props = {
    plugin: { meta: { id: PLUGIN_ID, enabled: true, jsonData: {}, secureJsonFields: {}, ...meta } },
    query: {},
  } as unknown as PluginConfigPageProps<AppPluginMeta<AppSettings>>;
  render(
    <ApiProvider>
      <AppConfig {...props} />
    </ApiProvider>
  );
  return { server, user: userEvent.setup() };
}

describe('the config page', () => {
  it('saves the service URL and the secret write-only through Grafana’s settings API', async () => {
    const { server, user } = renderConfig(PERMISSION_SETS.admin, { enabled: false });
    const save = screen.getByRole('button', { name: 'Enable and save' });
    expect(save).toBeDisabled();
    await user.type(screen.getByLabelText(/^URL/), 'http://export-service:8080/');
    await user.type(screen.getByLabelText(/^Shared secret/), 's3cret-value');
    await user.click(save);
    expect(await screen.findByText('Settings saved.')).toBeInTheDocument();
    expect(server.savedSettings).toEqual([
      {
        enabled: true,
        pinned: true,
        jsonData: { exportServiceUrl: 'http://export-service:8080' },
        secureJsonData: { sharedSecret: 's3cret-value' },
      },
    ]);
    // The secret is never shown back: the field now says it is configured.
    expect(screen.getByLabelText(/^Shared secret/)).toHaveValue('configured');
  });

  it('keeps a configured secret when only the URL changes, and rejects a URL that is not http(s)', async () => {
    const { server, user } = renderConfig(PERMISSION_SETS.admin, {
      jsonData: { exportServiceUrl: 'http://old:8080' },
      secureJsonFields: { sharedSecret: true },
    });
    const url = screen.getByLabelText(/^URL/);
    await user.clear(url);
    await user.type(url, 'ftp://nope');
    expect(screen.getByText('Use an http:// or https:// URL.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
    await user.clear(url);
    await user.type(url, 'https://audit.internal');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findByText('Settings saved.');
    expect(server.savedSettings[0]).toEqual({
      enabled: true,
      pinned: true,
      jsonData: { exportServiceUrl: 'https://audit.internal' },
    });
  });

  it('tests the connection through the proxy health route and says who the service thinks you are', async () => {
    const { server, user } = renderConfig(PERMISSION_SETS.admin, {
      secureJsonFields: { sharedSecret: true },
    });
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const result = await screen.findByTestId(testIds.connectionResult);
    expect(within(result).getByText('Connection works')).toBeInTheDocument();
    expect(within(result).getByText(/knows you as admin/)).toBeInTheDocument();
    expect(server.proxyCalls()).toEqual([{ path: 'health', status: 200 }]);
  });

  it('reports a failed connection with the reason', async () => {
    const down = new FakeExportService([]);
    jest.spyOn(down, 'handle').mockReturnValue({ status: 401, data: { error: 'unauthorized' } });
    const { user } = renderConfig(PERMISSION_SETS.admin, {}, down);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const result = await screen.findByTestId(testIds.connectionResult);
    expect(within(result).getByText('Connection failed')).toBeInTheDocument();
    expect(within(result).getByText('unauthorized')).toBeInTheDocument();
  });

  it('shows the OSS matrix: Viewer nothing, Editor every type, Admin also export; and the per-type roles', () => {
    renderConfig(PERMISSION_SETS.admin, {});
    const matrix = screen.getByTestId(testIds.permissionMatrix);
    const row = (role: string) => within(matrix).getByRole('rowheader', { name: role }).closest('tr')!;
    const allowed = (role: string) =>
      within(row(role))
        .queryAllByLabelText(/^may /)
        .map((cell) => cell.getAttribute('aria-label'));
    expect(allowed('Viewer').every((label) => label!.startsWith('may not'))).toBe(true);
    expect(allowed('Editor')).toEqual([
      'may read Activity logs',
      'may read Access logs',
      'may read Webhook failures',
      'may read Integration failures',
      'may not export',
    ]);
    expect(allowed('Admin').every((label) => !label!.startsWith('may not'))).toBe(true);
    const summary = screen.getByTestId(testIds.accessSummary);
    for (const name of [
      'Activity logs viewer',
      'Access logs viewer',
      'Webhook failures viewer',
      'Integration failures viewer',
    ])
      expect(within(summary).getByText(name)).toBeInTheDocument();
  });

  it('warns that the Loki dashboards bypass the per-type permissions and links each type’s checked page', () => {
    renderConfig(PERMISSION_SETS.admin, {});
    const summary = screen.getByTestId(testIds.accessSummary);
    expect(
      within(summary).getByText('Dashboards on the Loki data source show every log type')
    ).toBeInTheDocument();
    expect(within(summary).getByText(/Query/)).toBeInTheDocument();
    expect(within(summary).getByRole('link', { name: 'Access logs' })).toHaveAttribute(
      'href',
      '/a/auditlens-auditlogs-app/access'
    );
  });

  it('links to how events get into AuditLens', () => {
    renderConfig(PERMISSION_SETS.admin, {});
    expect(screen.getByRole('link', { name: 'How events get into AuditLens' })).toHaveAttribute(
      'href',
      '/a/auditlens-auditlogs-app/getting-started'
    );
  });

  it('is refused by Grafana for a user who may not change the plugin', async () => {
    const { server, user } = renderConfig(PERMISSION_SETS.viewer, {});
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect(await screen.findByText('Connection failed')).toBeInTheDocument();
    expect(server.proxyCalls()).toEqual([{ path: 'health', status: 403 }]);
  });
});
