import type { RequestHandler } from 'express';
import { requesterOf } from '../auth/resolve-requester';
import { TooManyRequestsError } from './errors';
import { TokenBuckets } from './token-buckets';

/** Requests per second each user may make (with bursts); past it, a 429 that says when to ask again. */
export function perUserRateLimit(options: {
  readonly perSecond: number;
  readonly burst: number;
}): RequestHandler {
  const buckets = new TokenBuckets(options);
  return (_req, res, next) => {
    const wait = buckets.take(requesterOf(res).login);
    if (wait > 0) {
      next(
        new TooManyRequestsError(
          `too many requests: at most ${options.perSecond} a second; try again in a moment`,
          wait
        )
      );
      return;
    }
    next();
  };
}
