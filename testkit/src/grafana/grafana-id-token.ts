// Double of the ID tokens Grafana signs for a signed-in identity (`X-Grafana-Id`, feature toggle
// `idForwarding`), and of the key set it publishes to verify them. Written from:
// - grafana/grafana `pkg/services/auth/idimpl/service.go` `SignIdentity`: iss = `cfg.AppURL` (the
//   `[server] root_url`, always ending in "/", see `pkg/setting` `parseAppURLAndSubURL`), aud = ["org:<orgId>"],
//   sub = the identity's typed id (`user:<numeric id>`, `pkg/services/authn/identity.go` `GetID`),
//   exp = now + 10 min, iat = now; `namespace` from the namespace mapper, `identifier` = the uid, `type`;
//   for users only `email`, `email_verified`, `authenticatedBy`, `username` (the login), `name`; `role` when
//   the org role is valid.
// - `pkg/services/auth/idimpl/signer.go`: ES256, headers `kid` and `typ: "jwt"`.
// - `pkg/services/apiserver/endpoints/request/namespace.go` `GetNamespaceMapper` with grafana/authlib
//   `types/namespace.go`: org 1 → `default`, org N → `org-N`; with a cloud stack id every org → `stacks-<id>`.
// - grafana/authlib `authn/verifier_id_token.go` `IDTokenClaims` for the claim names and `omitempty`s.
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

/** authlib `IDTokenClaims` plus the registered JWT claims Grafana sets. */
export interface GrafanaIdTokenClaims {
  readonly iss: string;
  readonly aud: readonly string[];
  readonly sub: string;
  readonly exp: number;
  readonly iat: number;
  readonly identifier: string;
  readonly type: 'user' | 'service-account';
  readonly namespace: string;
  readonly authenticatedBy?: string;
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly username?: string;
  readonly name?: string;
  readonly role?: string;
  readonly groups?: readonly string[];
}

/** Grafana's namespace for an org: `default`, `org-<id>`, or `stacks-<id>` on a cloud stack. */
export function grafanaNamespace(orgId: number, stackId?: number): string {
  if (stackId !== undefined) return `stacks-${stackId}`;
  return orgId === 1 ? 'default' : `org-${orgId}`;
}

/** `[server] root_url` as Grafana keeps it (`AppURL`): with one trailing slash. */
export function grafanaAppUrl(rootUrl: string): string {
  return rootUrl.endsWith('/') ? rootUrl : `${rootUrl}/`;
}

/** How long Grafana's ID tokens live (idimpl `tokenTTL`). */
export const ID_TOKEN_TTL_SECONDS = 10 * 60;

/** The identity a token is signed for. */
export interface IdTokenSubject {
  readonly id: number;
  readonly uid: string;
  readonly type: 'user' | 'service-account';
  readonly login: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly name: string;
  readonly orgRole: string;
  readonly groups?: readonly string[];
}

/** The claims idimpl `SignIdentity` builds for `subject`. */
export function idTokenClaims(
  subject: IdTokenSubject,
  grafana: { readonly rootUrl: string; readonly orgId: number; readonly stackId?: number },
  nowSeconds: number
): GrafanaIdTokenClaims {
  const user = subject.type === 'user';
  return {
    iss: grafanaAppUrl(grafana.rootUrl),
    aud: [`org:${grafana.orgId}`],
    sub: `${subject.type}:${subject.id}`,
    exp: nowSeconds + ID_TOKEN_TTL_SECONDS,
    iat: nowSeconds,
    identifier: subject.uid,
    type: subject.type,
    namespace: grafanaNamespace(grafana.orgId, grafana.stackId),
    ...(user
      ? {
          authenticatedBy: 'password',
          ...(subject.email ? { email: subject.email } : {}),
          ...(subject.emailVerified ? { email_verified: true } : {}),
          ...(subject.login ? { username: subject.login } : {}),
          // identity.go GetName: the name, else the login, else the email.
          ...(subject.name || subject.login || subject.email
            ? { name: subject.name || subject.login || subject.email }
            : {}),
        }
      : {}),
    ...(subject.orgRole && subject.orgRole !== 'None' ? { role: subject.orgRole } : {}),
    ...(subject.groups && subject.groups.length > 0 ? { groups: subject.groups } : {}),
  };
}

/** A signing key like Grafana's `id` key (ES256), and the JWKS it serves at `/api/signing-keys/keys`. */
export class GrafanaSigningKey {
  private constructor(
    private readonly privateKey: KeyLike,
    readonly kid: string,
    readonly jwk: JWK
  ) {}

  /** A fresh P-256 key. */
  static async generate(kid = 'id-test-key'): Promise<GrafanaSigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    return new GrafanaSigningKey(privateKey, kid, jwk);
  }

  /** The key set document. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.jwk] };
  }

  /** `claims` signed as Grafana's signer does (ES256, `kid`, `typ: "jwt"`). */
  sign(claims: GrafanaIdTokenClaims | Readonly<Record<string, unknown>>): Promise<string> {
    return new SignJWT(JSON.parse(JSON.stringify(claims)) as Record<string, unknown>)
      .setProtectedHeader({ alg: 'ES256', kid: this.kid, typ: 'jwt' })
      .sign(this.privateKey);
  }
}
