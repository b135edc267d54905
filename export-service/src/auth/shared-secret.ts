import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { SECRET_HEADER } from '@auditlens/contract';
import { UnauthorizedError } from '../http/errors';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Lets a request through only with the shared secret Grafana's plugin proxy injects. Both sides are hashed
 * first so the comparison is constant-time whatever the lengths.
 */
export function requireSharedSecret(secret: string): RequestHandler {
  const expected = digest(secret);
  return (req, _res, next) => {
    const given = req.get(SECRET_HEADER);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      next(new UnauthorizedError());
      return;
    }
    next();
  };
}
