import { GrafanaDouble, loadPluginJson } from '@auditlens/testkit';
import { GrafanaUserDirectory } from './grafana-users';
import { UpstreamError } from '../http/errors';

describe('GrafanaUserDirectory (against the Grafana double)', () => {
  let grafana: GrafanaDouble;
  beforeEach(async () => {
    grafana = await GrafanaDouble.start({
      plugin: loadPluginJson(),
      users: [
        { login: 'jane', email: 'jane@acme.test', name: 'Jane', orgRole: 'Editor' },
        { login: 'janet', email: 'janet@acme.test', name: 'Janet' },
        { login: 'nomail', email: '' },
      ],
      serviceAccounts: [
        { token: 'sa-admin', orgRole: 'Admin' },
        { token: 'sa-viewer', orgRole: 'Viewer' },
      ],
    });
  });
  afterEach(() => grafana.stop());

  const lookups = () => grafana.apiCalls.map((c) => `${c.path}?${new URLSearchParams(c.query).toString()}`);

  it("finds a user by exact login through the org's user list an org Admin token may read, with a short cache", async () => {
    let now = 0;
    const dir = new GrafanaUserDirectory({
      grafanaUrl: grafana.url,
      token: 'sa-admin',
      cacheMs: 1000,
      now: () => now,
    });
    expect(await dir.lookup('jane')).toEqual({
      uid: grafana.uidOf('jane'),
      login: 'jane',
      email: 'jane@acme.test',
      name: 'Jane',
    });
    expect(await dir.lookup('jane')).toBeDefined();
    expect(lookups()).toEqual(['/api/org/users?query=jane']);
    now = 2000;
    await dir.lookup('jane');
    expect(lookups()).toHaveLength(2);
    // Grafana's query is a substring search over login, email and name: none of these is an exact login.
    expect(await dir.lookup('jan')).toBeUndefined();
    expect(await dir.lookup('jane@acme.test')).toBeUndefined();
    expect(await dir.lookup('nobody')).toBeUndefined();
    expect(lookups().some((l) => l.startsWith('/api/users/lookup'))).toBe(false);
  });

  it('treats a user without an email, or no longer in the org, as unknown; follows a rename by uid', async () => {
    const dir = new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: 'sa-admin', cacheMs: 0 });
    expect(await dir.lookup('nomail')).toBeUndefined();
    const uid = grafana.uidOf('janet');
    grafana.renameUser('janet', 'janet.doe');
    expect(await dir.lookup('janet')).toBeUndefined();
    expect((await dir.lookup('janet.doe'))?.uid).toBe(uid);
    grafana.removeFromOrg('janet.doe');
    expect(await dir.lookup('janet.doe')).toBeUndefined();
  });

  it('reports a token without org.users:read, a wrong token or an unreachable Grafana as an upstream error', async () => {
    const viewer = new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: 'sa-viewer' });
    await expect(viewer.lookup('jane')).rejects.toThrow(/needs org.users:read/);
    const wrong = new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: 'nope' });
    await expect(wrong.lookup('jane')).rejects.toBeInstanceOf(UpstreamError);
    const down = new GrafanaUserDirectory({ grafanaUrl: 'http://127.0.0.1:1', token: 'sa-admin' });
    await expect(down.lookup('jane')).rejects.toThrow(/unreachable/);
  });
});
