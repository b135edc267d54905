import { generateKeyPair, SignJWT } from 'jose';
import { GrafanaDouble, loadPluginJson, type GrafanaIdTokenClaims } from '@auditlens/testkit';
import { NotAllowedError, NotIdentifiedError, UpstreamError } from '../domain-errors';
import { GrafanaIdTokenVerifier } from './id-token';

type Claims = GrafanaIdTokenClaims;

describe('GrafanaIdTokenVerifier (tokens of the Grafana double, shaped as grafana/authlib IDTokenClaims)', () => {
  let grafana: GrafanaDouble;
  const verifier = (org = { orgId: 1 }) =>
    new GrafanaIdTokenVerifier({ grafanaUrl: grafana.url, issuer: grafana.issuer, org });

  beforeEach(async () => {
    grafana = await GrafanaDouble.start({
      plugin: loadPluginJson(),
      rootUrl: 'https://grafana.example.com',
      users: [{ login: 'jane', email: 'jane@acme.test', name: 'Jane Doe' }],
    });
  });
  afterEach(() => grafana.stop());

  it('reads uid, login, email and name from identifier, username, email and name', async () => {
    expect(await verifier().verify(await grafana.idTokenFor('jane'))).toEqual({
      uid: grafana.uidOf('jane'),
      login: 'jane',
      email: 'jane@acme.test',
      name: 'Jane Doe',
    });
  });

  it.each([
    [
      'a `login` claim instead of `username`',
      ({ username, ...rest }: Claims) => ({ ...rest, login: username }),
    ],
    ['another issuer', (c: Claims) => ({ ...c, iss: 'https://evil.example.com/' })],
    [
      'an issuer without the trailing slash Grafana keeps',
      (c: Claims) => ({ ...c, iss: c.iss.slice(0, -1) }),
    ],
    ['an expiry two minutes ago', (c: Claims) => ({ ...c, exp: Math.floor(Date.now() / 1000) - 120 })],
    ['no identifier', (c: Claims) => ({ ...c, identifier: '' })],
  ])('refuses (401) a token with %s', async (_why, change) => {
    const token = await grafana.signToken(change(grafana.claimsFor('jane')));
    await expect(verifier().verify(token)).rejects.toBeInstanceOf(NotIdentifiedError);
  });

  it("refuses (401) a token not signed with Grafana's key, tampered with, or not a JWT", async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const claims = grafana.claimsFor('jane');
    const otherKey = await new SignJWT({ ...claims, aud: [...claims.aud] })
      .setProtectedHeader({ alg: 'ES256', kid: 'id-test-key', typ: 'jwt' })
      .sign(privateKey);
    await expect(verifier().verify(otherKey)).rejects.toBeInstanceOf(NotIdentifiedError);
    const token = await grafana.idTokenFor('jane');
    await expect(verifier().verify(`${token.slice(0, -4)}AAAA`)).rejects.toBeInstanceOf(NotIdentifiedError);
    await expect(verifier().verify('not-a-jwt')).rejects.toBeInstanceOf(NotIdentifiedError);
  });

  it('refuses (403) a token of another org or stack, and one of a service account', async () => {
    const claims = grafana.claimsFor('jane');
    await expect(verifier({ orgId: 2 }).verify(await grafana.idTokenFor('jane'))).rejects.toBeInstanceOf(
      NotAllowedError
    );
    await expect(
      verifier().verify(await grafana.signToken({ ...claims, namespace: 'org-2', aud: ['org:2'] }))
    ).rejects.toThrow(/organisation/);
    await expect(
      verifier().verify(await grafana.signToken({ ...claims, namespace: 'stacks-12' }))
    ).rejects.toBeInstanceOf(NotAllowedError);
    await expect(
      verifier().verify(await grafana.signToken({ ...claims, type: 'service-account' }))
    ).rejects.toThrow(/only Grafana users/);
  });

  it('accepts the namespace of the configured org: org-<id>, or stacks-<id> on Grafana Cloud', async () => {
    const claims = grafana.claimsFor('jane');
    const org3 = await grafana.signToken({ ...claims, namespace: 'org-3', aud: ['org:3'] });
    expect((await verifier({ orgId: 3 }).verify(org3)).login).toBe('jane');
    const stack = await grafana.signToken({ ...claims, namespace: 'stacks-6481' });
    const cloud = new GrafanaIdTokenVerifier({
      grafanaUrl: grafana.url,
      issuer: grafana.issuer,
      org: { orgId: 1, stackId: 6481 },
    });
    expect((await cloud.verify(stack)).login).toBe('jane');
  });

  it('reports Grafana out of reach for its keys as an upstream error, not as a bad token', async () => {
    const token = await grafana.idTokenFor('jane');
    const down = new GrafanaIdTokenVerifier({
      grafanaUrl: 'http://127.0.0.1:1',
      issuer: grafana.issuer,
      org: { orgId: 1 },
    });
    await expect(down.verify(token)).rejects.toBeInstanceOf(UpstreamError);
  });
});
