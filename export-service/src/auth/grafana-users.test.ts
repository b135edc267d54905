import { GrafanaDouble, loadPluginJson } from '@auditlens/testkit';
import { GrafanaUserDirectory } from './grafana-users';
import { UpstreamError } from '../domain-errors';

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

  it("finds a user by exact login through the org's user list an org Admin token may read, asking every time", async () => {
    const dir = new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: 'sa-admin' });
    expect(await dir.lookup('jane')).toEqual({
      uid: grafana.uidOf('jane'),
      login: 'jane',
      email: 'jane@acme.test',
      name: 'Jane',
    });
    expect(await dir.lookup('jane')).toBeDefined();
    expect(lookups()).toEqual(['/api/org/users?query=jane', '/api/org/users?query=jane']);
    // Grafana's query is a substring search over login, email and name: none of these is an exact login.
    expect(await dir.lookup('jan')).toBeUndefined();
    expect(await dir.lookup('jane@acme.test')).toBeUndefined();
    expect(await dir.lookup('nobody')).toBeUndefined();
    expect(lookups().some((l) => l.startsWith('/api/users/lookup'))).toBe(false);
  });

  it('answers who holds a login now: renamed away and given to someone else, it names the new holder', async () => {
    const dir = new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: 'sa-admin' });
    const before = await dir.lookup('jane');
    grafana.renameUser('jane', 'jane.old');
    grafana.addUser({ login: 'jane', email: 'new-jane@acme.test', orgRole: 'Admin' });
    const after = await dir.lookup('jane');
    expect(after?.uid).toBe(grafana.uidOf('jane'));
    expect(after?.uid).not.toBe(before?.uid);
    expect(after?.email).toBe('new-jane@acme.test');
    expect((await dir.lookup('jane.old'))?.uid).toBe(before?.uid);
  });

  it('treats a user without an email, or no longer in the org, as unknown; follows a rename by uid', async () => {
    const dir = new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: 'sa-admin' });
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
