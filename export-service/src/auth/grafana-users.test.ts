import { FakeGrafana } from './fake-grafana.fake';
import { GrafanaUserDirectory } from './grafana-users';
import { UpstreamError } from '../errors';

describe('GrafanaUserDirectory', () => {
  let grafana: FakeGrafana;
  const users = [
    { login: 'jane', email: 'jane@acme.test', name: 'Jane' },
    { login: 'janet', email: 'janet@acme.test', name: 'Janet' },
  ];
  beforeEach(async () => {
    grafana = await FakeGrafana.start(users, 'tok');
  });
  afterEach(() => grafana.stop());

  it('finds a user by exact login, with a short cache', async () => {
    let now = 0;
    const dir = new GrafanaUserDirectory({
      grafanaUrl: grafana.url,
      token: 'tok',
      cacheMs: 1000,
      now: () => now,
    });
    expect(await dir.lookup('jane')).toEqual({ login: 'jane', email: 'jane@acme.test', name: 'Jane' });
    expect(await dir.lookup('jane')).toBeDefined();
    expect(grafana.lookups).toEqual(['jane']);
    now = 2000;
    await dir.lookup('jane');
    expect(grafana.lookups).toEqual(['jane', 'jane']);
    expect(await dir.lookup('jane@acme.test')).toBeUndefined(); // an email is not a login
    expect(await dir.lookup('nobody')).toBeUndefined();
  });

  it("falls back to the organisation's user search for a service-account token", async () => {
    grafana.serverAdminToken = false;
    const dir = new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: 'tok' });
    expect(await dir.lookup('jane')).toEqual({ login: 'jane', email: 'jane@acme.test', name: 'Jane' });
    expect(await dir.lookup('jan')).toBeUndefined();
  });

  it('reports a wrong token or an unreachable Grafana as an upstream error', async () => {
    const wrong = new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: 'nope' });
    await expect(wrong.lookup('jane')).rejects.toBeInstanceOf(UpstreamError);
    const down = new GrafanaUserDirectory({ grafanaUrl: 'http://127.0.0.1:1', token: 'tok' });
    await expect(down.lookup('jane')).rejects.toThrow(/unreachable/);
  });
});
