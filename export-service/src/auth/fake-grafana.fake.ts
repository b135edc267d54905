import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';

/** A user the fake knows. */
export interface FakeGrafanaUser {
  readonly login: string;
  readonly email: string;
  readonly name: string;
}

/**
 * fake-grafana: a test double of the Grafana server endpoints the service calls, standing in for a Grafana
 * server that cannot run here: `GET /api/users/lookup?loginOrEmail=` (404 for unknown users; 403 when the
 * token is not a server admin's), `GET /api/org/users/lookup?query=`, and the ID-token JWKS at
 * `GET /api/signing-keys/keys`. It also signs ID tokens.
 */
export class FakeGrafana {
  readonly lookups: string[] = [];
  private readonly server: Server;
  private key!: { privateKey: KeyLike; jwk: Record<string, unknown> };
  /** Whether the token may use `/api/users/lookup` (a server admin's); a service account's may not. */
  serverAdminToken = true;

  private constructor(
    private readonly users: readonly FakeGrafanaUser[],
    private readonly token: string
  ) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://grafana');
      if (url.pathname === '/api/signing-keys/keys') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ keys: [this.key.jwk] }));
        return;
      }
      if (url.pathname === '/api/org/users/lookup') {
        if (req.headers.authorization !== `Bearer ${this.token}`) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Unauthorized"}');
          return;
        }
        const q = url.searchParams.get('query') ?? '';
        this.lookups.push(q);
        // Like Grafana, a substring search over login, email and name.
        const found = this.users.filter((u) => [u.login, u.email, u.name].some((v) => v.includes(q)));
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify(
            found.map((u, i) => ({
              userId: i + 1,
              uid: `u${i}`,
              login: u.login,
              email: u.email,
              name: u.name,
              avatarUrl: '',
            }))
          )
        );
        return;
      }
      if (url.pathname === '/api/users/lookup') {
        if (!this.serverAdminToken) {
          res
            .writeHead(403, { 'content-type': 'application/json' })
            .end('{"message":"You\'ll need additional permissions to perform this action."}');
          return;
        }
        if (req.headers.authorization !== `Bearer ${this.token}`) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Unauthorized"}');
          return;
        }
        const q = url.searchParams.get('loginOrEmail') ?? '';
        this.lookups.push(q);
        const user = this.users.find((u) => u.login === q || u.email === q);
        if (!user) {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"user not found"}');
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ id: 1, ...user, isGrafanaAdmin: false }));
        return;
      }
      res.writeHead(404).end();
    });
  }

  /** Starts a fake Grafana on a free loopback port. */
  static async start(users: readonly FakeGrafanaUser[], token: string): Promise<FakeGrafana> {
    const g = new FakeGrafana(users, token);
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    g.key = {
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' },
    };
    await new Promise<void>((resolve) => g.server.listen(0, '127.0.0.1', resolve));
    return g;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** An ID token for `login`, signed like Grafana's (ES256, `kid`). */
  async idToken(login: string, expiresIn = '5m'): Promise<string> {
    return new SignJWT({ login, namespace: 'user' })
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
      .setSubject(`user:${login}`)
      .setIssuer(this.url)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(this.key.privateKey);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
