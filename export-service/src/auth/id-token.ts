import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** Verifies Grafana ID tokens (`X-Grafana-Id`) and returns the login they name. */
export interface IdTokenVerifier {
  /** The token's login; throws when the token is not valid. */
  verify(token: string): Promise<string>;
}

/** Options of {@link GrafanaIdTokenVerifier}. */
export interface GrafanaIdTokenOptions {
  readonly grafanaUrl: string;
  /** Expected `iss`; Grafana uses its `root_url`. Default: not checked. */
  readonly issuer?: string;
  /** Key source; default Grafana's JWKS at `/api/signing-keys/keys`. */
  readonly keys?: JWTVerifyGetKey;
}

/** Checks the signature (Grafana's JWKS), expiry and issuer of a Grafana ID token. */
export class GrafanaIdTokenVerifier implements IdTokenVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly options: GrafanaIdTokenOptions) {
    this.keys =
      options.keys ??
      createRemoteJWKSet(new URL(`${options.grafanaUrl.replace(/\/+$/, '')}/api/signing-keys/keys`));
  }

  async verify(token: string): Promise<string> {
    const { payload } = await jwtVerify(
      token,
      this.keys,
      this.options.issuer ? { issuer: this.options.issuer } : {}
    );
    const login = payload['login'];
    if (typeof login !== 'string' || login === '') throw new Error('ID token names no login');
    return login;
  }
}
