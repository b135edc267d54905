import type { RequestHandler, Response } from 'express';
import { GRAFANA_ID_TOKEN_HEADER, GRAFANA_USER_HEADER } from '@auditlens/contract';
import { UnauthorizedError } from '../http/errors';
import type { UserDirectory } from './grafana-users';
import type { IdTokenVerifier } from './id-token';
import type { Requester } from './requester';

/** Options of {@link resolveRequester}. */
export interface ResolveRequesterOptions {
  readonly users: UserDirectory;
  /** Verifies `X-Grafana-Id`; without it the header is ignored. */
  readonly idTokens?: IdTokenVerifier;
  /** Refuse requests without a verified ID token (`REQUIRE_ID_TOKEN`). The default value is false. */
  readonly requireIdToken?: boolean;
}

/**
 * Establishes who is asking from what Grafana's proxy adds, never from the request body:
 * 1. a verified ID token (`X-Grafana-Id`, feature toggle `idForwarding`): its `identifier`, `username` and,
 *    when present, `email`; a token of another org is refused with 403;
 * 2. otherwise, unless an ID token is required, the login in `X-Grafana-User` (`send_user_header`),
 *    looked up among the org's users for uid and email.
 * When both come they must name the same login. Unknown users get 401.
 */
export function resolveRequester(options: ResolveRequesterOptions): RequestHandler {
  return async (req, res, next) => {
    const headerLogin = req.get(GRAFANA_USER_HEADER);
    const token = req.get(GRAFANA_ID_TOKEN_HEADER);
    let requester: Requester | undefined;
    if (token && options.idTokens) {
      const identity = await options.idTokens.verify(token);
      if (headerLogin !== undefined && headerLogin !== identity.login) throw new UnauthorizedError();
      if (identity.email) {
        requester = {
          uid: identity.uid,
          login: identity.login,
          email: identity.email,
          name: identity.name || identity.login,
        };
      } else {
        // A token without email (e.g. a user without one): Grafana's user list may still have it.
        const listed = await options.users.lookup(identity.login);
        requester = listed?.uid === identity.uid ? listed : undefined;
      }
    } else if (!options.requireIdToken && headerLogin) {
      requester = await options.users.lookup(headerLogin);
    }
    if (!requester) throw new UnauthorizedError();
    res.locals['requester'] = requester;
    next();
  };
}

/** The requester established by {@link resolveRequester}. */
export function requesterOf(res: Response): Requester {
  const r = res.locals['requester'] as Requester | undefined;
  if (!r) throw new UnauthorizedError();
  return r;
}
