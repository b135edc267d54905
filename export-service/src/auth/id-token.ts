import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { NotAllowedError, NotIdentifiedError, UpstreamError } from '../domain-errors';
import { audienceOf, namespaceOf, type GrafanaOrg } from './grafana-org';

/** Who a verified Grafana ID token names (grafana/authlib `authn.IDTokenClaims`). */
export interface IdTokenIdentity {
  /** `identifier`: the user's stable uid. */
  readonly uid: string;
  /** `username`: the login (Grafana's ID token has no `login` claim). */
  readonly login: string;
  /** `email`, left out by Grafana for users without one. */
  readonly email?: string;
  /** `name`: display name. */
  readonly name?: string;
}

/** Verifies Grafana ID tokens (`X-Grafana-Id`). */
export interface IdTokenVerifier {
  /** The identity; NotIdentifiedError for a token that is not valid, NotAllowedError for another org's. */
  verify(token: string): Promise<IdTokenIdentity>;
}

/** Options of {@link GrafanaIdTokenVerifier}. */
export interface GrafanaIdTokenOptions {
  readonly grafanaUrl: string;
  /** Expected `iss`: Grafana's `[server] root_url`, which Grafana always ends with "/". */
  readonly issuer: string;
  readonly org: GrafanaOrg;
  /** Key source; default Grafana's JWKS at `/api/signing-keys/keys`. */
  readonly keys?: JWTVerifyGetKey;
}

/**
 * Checks a Grafana ID token the way grafana/authlib's `IDTokenVerifier` does (ES256 only, header
 * `typ: jwt`, a `kid` from Grafana's key set, `exp` with go-jose's one-minute leeway), plus what it means for
 * this app: the issuer is this Grafana, the token names a user (not a service account), and its `namespace`
 * and `aud` name the org the app is configured for.
 */
export class GrafanaIdTokenVerifier implements IdTokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly namespace: string;
  private readonly audience: string;

  constructor(private readonly options: GrafanaIdTokenOptions) {
    this.keys =
      options.keys ??
      createRemoteJWKSet(new URL(`${options.grafanaUrl.replace(/\/+$/, '')}/api/signing-keys/keys`));
    this.namespace = namespaceOf(options.org);
    this.audience = audienceOf(options.org);
  }

  async verify(token: string): Promise<IdTokenIdentity> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        algorithms: ['ES256'],
        typ: 'jwt',
        issuer: this.options.issuer,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 60,
      }));
    } catch (error) {
      // Grafana's key set out of reach is not the requester's fault; any other failure is a bad token.
      if (
        error instanceof errors.JWKSTimeout ||
        error instanceof errors.JWKSInvalid ||
        !(error instanceof errors.JOSEError)
      ) {
        throw new UpstreamError('grafana', "Grafana's ID token signing keys could not be fetched", true);
      }
      throw new NotIdentifiedError();
    }
    const claim = (name: string): string | undefined => {
      const value = payload[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    if (claim('namespace') !== this.namespace || !audiences.includes(this.audience)) {
      throw new NotAllowedError('this Grafana organisation is not the one AuditLens is set up for');
    }
    if (claim('type') !== 'user') throw new NotAllowedError('only Grafana users can use AuditLens');
    const uid = claim('identifier');
    const login = claim('username');
    if (!uid || !login) throw new NotIdentifiedError();
    return { uid, login, email: claim('email'), name: claim('name') };
  }
}
