import type { RequestHandler, Response } from 'express';
import { GRAFANA_ID_TOKEN_HEADER, GRAFANA_USER_HEADER } from '@auditlens/contract';
import { UnauthorizedError } from '../errors';
import type { UserDirectory } from './grafana-users';
import type { IdTokenVerifier } from './id-token';
import type { Requester } from './requester';

/**
 * Establishes who is asking from what Grafana's proxy adds: the login in `X-Grafana-User`, or a verified ID
 * token in `X-Grafana-Id` (they must agree when both are present), then the user's email from Grafana.
 * Never from the request body. Unknown users get 401.
 */
export function resolveRequester(users: UserDirectory, idTokens?: IdTokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const headerLogin = req.get(GRAFANA_USER_HEADER);
    const token = req.get(GRAFANA_ID_TOKEN_HEADER);
    let login = headerLogin;
    if (token && idTokens) {
      let tokenLogin: string;
      try {
        tokenLogin = await idTokens.verify(token);
      } catch {
        throw new UnauthorizedError();
      }
      if (headerLogin && headerLogin !== tokenLogin) throw new UnauthorizedError();
      login = tokenLogin;
    }
    if (!login) throw new UnauthorizedError();
    const user = await users.lookup(login);
    if (!user) throw new UnauthorizedError();
    res.locals['requester'] = user;
    next();
  };
}

/** The requester established by {@link resolveRequester}. */
export function requesterOf(res: Response): Requester {
  const r = res.locals['requester'] as Requester | undefined;
  if (!r) throw new UnauthorizedError();
  return r;
}
