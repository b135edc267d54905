import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GrafanaBootstrapApiDouble } from './grafana-bootstrap-api-double';
import { readYaml, ROOT } from './repo-files';

const run = promisify(execFile);
const SCRIPT = join(ROOT, 'provisioning/bootstrap/grafana-service-account.sh');
const ADMIN = { user: 'admin', password: 'pw' };
const compose = readYaml<{ services: Record<string, { environment: Record<string, string> }> }>(
  'docker-compose.yml'
);
const folderTitle = compose.services['grafana-bootstrap']!.environment['DASHBOARD_FOLDER']!;
const provider = readYaml<{ providers: Array<{ folder: string }> }>('provisioning/dashboards/auditlens.yaml');
const alertGroups = readYaml<{ groups: Array<{ folder: string }> }>(
  'provisioning/alerting/login-failures.yaml'
);

describe('the Grafana bootstrap script (sh + curl, against a double of the Grafana APIs it calls)', () => {
  let grafana: GrafanaBootstrapApiDouble;
  let dir: string;

  beforeEach(async () => {
    grafana = await new GrafanaBootstrapApiDouble(ADMIN, [
      { id: 1, uid: 'other', title: 'Team dashboards' },
      { id: 7, uid: 'f3k9x', title: folderTitle },
    ]).start();
    dir = mkdtempSync(join(tmpdir(), 'auditlens-bootstrap-'));
  });
  afterEach(async () => {
    await grafana.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const bootstrap = (extra: Record<string, string> = {}) =>
    run('sh', [SCRIPT], {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        GRAFANA_URL: grafana.url,
        GF_ADMIN_USER: ADMIN.user,
        GF_ADMIN_PASSWORD: ADMIN.password,
        TOKEN_FILE: join(dir, 'token'),
        DASHBOARD_FOLDER: folderTitle,
        ...extra,
      },
    });

  it('restricts the folder both provisioners put the raw-Loki dashboards and alert rules in', () => {
    expect(provider.providers.map((p) => p.folder)).toEqual([folderTitle]);
    expect(alertGroups.groups.map((g) => g.folder)).toEqual([folderTitle]);
  });

  it('writes a token and takes Viewers off the folder, leaving Editors view, waiting for provisioning', async () => {
    grafana.foldersHiddenFor = 2;
    const { stdout } = await bootstrap();
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe('glsa_test_2');
    expect(grafana.createdAccounts).toEqual(['auditlens-export-service']);
    expect(grafana.grants).toEqual([
      { folderUid: 'f3k9x', role: 'Viewer', permission: '' },
      { folderUid: 'f3k9x', role: 'Editor', permission: 'View' },
    ]);
    expect(stdout).toContain(`folder ${folderTitle} (f3k9x): Viewer none, Editor view, Admin all`);
  }, 30_000);

  it('reuses the service account on a second run', async () => {
    await bootstrap();
    await bootstrap();
    expect(grafana.createdAccounts).toEqual(['auditlens-export-service']);
    expect(grafana.grants).toHaveLength(4);
  }, 30_000);

  it('fails, saying why, when the folder never appears', async () => {
    grafana.foldersHiddenFor = 1_000;
    await expect(bootstrap({ FOLDER_WAIT_SECONDS: '2' })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`no folder "${folderTitle}" in Grafana`),
    });
    expect(grafana.grants).toEqual([]);
  }, 30_000);
});
