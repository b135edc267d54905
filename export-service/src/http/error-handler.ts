import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApiError } from '@auditlens/contract';
import {
  AppError,
  BadGatewayError,
  BadRequestError,
  ClientGoneError,
  ClientRequestError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UpstreamError,
} from './errors';
import { InvalidFieldError } from '@auditlens/loki';
import { InvalidInputError, LimitReachedError, NotAllowedError, NotIdentifiedError } from '../domain-errors';

/** The part of an http-errors error (thrown by body-parser and express's router) that says what went wrong. */
interface HttpErrorLike {
  readonly status?: unknown;
  readonly type?: unknown;
  readonly expose?: unknown;
}

/**
 * The client mistakes express and body-parser report as http-errors, as typed errors. Their own messages
 * are not passed on: some quote the input or name internals (`stream.encoding.set`).
 * Types from body-parser's README ("Errors") and router's `decodeParam` (lib/layer.js).
 */
function fromHttpError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as HttpErrorLike;
  switch (e.type) {
    case 'entity.parse.failed':
      return new BadRequestError('the body is not valid JSON', [
        { field: '(body)', message: 'is not valid JSON' },
      ]);
    case 'entity.too.large':
    case 'parameters.too.many':
      return new PayloadTooLargeError();
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError('the body must be UTF-8 JSON');
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeError('the body must not be compressed, or be gzip or deflate');
    case 'request.aborted':
      return new ClientGoneError();
    case 'request.size.invalid':
      return new BadRequestError('the body is shorter or longer than its Content-Length');
  }
  // raw-body passes zlib's own error on, status 400: the body claimed gzip or deflate and was not.
  if (typeof (error as { code?: unknown }).code === 'string' && /^Z_/.test((error as { code: string }).code))
    return new BadRequestError('the body is not valid gzip or deflate data');
  if (error instanceof URIError && e.status === 400)
    return new BadRequestError('the path is not valid percent-encoding', [
      { field: '(path)', message: 'has a malformed %-escape' },
    ]);
  // Any other 4xx that express or a body parser raises on purpose is the client's mistake: keep its status.
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose !== false)
    return new ClientRequestError(e.status, 'the request is not valid');
  return undefined;
}

/** The errors of the layers below the routes, which know nothing of HTTP, as typed errors. */
function fromDomainError(error: unknown): AppError | undefined {
  if (error instanceof UpstreamError) return new BadGatewayError(error.publicMessage);
  if (error instanceof InvalidInputError) return new BadRequestError(error.message, error.issues);
  if (error instanceof LimitReachedError)
    return new TooManyRequestsError(error.message, error.retryAfterSeconds);
  if (error instanceof NotAllowedError) return new ForbiddenError(error.message);
  if (error instanceof NotIdentifiedError) return new UnauthorizedError();
  if (error instanceof InvalidFieldError)
    return new BadRequestError('invalid field', [{ field: 'field', message: 'not a field name' }]);
  return undefined;
}

/** Answers every request no route took: JSON 404, inside and outside `/api/v1`. */
export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new NotFoundError('no such route'));
}

/**
 * Maps typed errors (and express's own client errors) to their status and the one `ApiError` body; hides the
 * details of anything unexpected, which go to the log. A 429 carries `Retry-After`.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known = error instanceof AppError ? error : (fromDomainError(error) ?? fromHttpError(error));
    if (known instanceof ClientGoneError) {
      // Nobody is listening; end quietly.
      if (!res.headersSent && !res.destroyed) res.status(known.status).end();
      return;
    }
    if (res.headersSent) {
      // Part of a body went out (a download whose file failed mid-way): the client must see it incomplete.
      logger.warn({ err: error, path: req.path }, 'failed after the answer started');
      res.destroy();
      return;
    }
    if (!known) {
      logger.error({ err: error, path: req.path }, 'unexpected error');
      res.status(500).json({ error: 'internal error' } satisfies ApiError);
      return;
    }
    if (known.status >= 500) logger.warn({ err: error, path: req.path }, 'upstream failure');
    let body: ApiError = { error: known.publicMessage };
    if (known instanceof BadRequestError && known.issues.length > 0) body = { ...body, issues: known.issues };
    if (known instanceof TooManyRequestsError) {
      const seconds = Math.max(1, Math.ceil(known.retryAfterSeconds));
      res.set('Retry-After', String(seconds));
      body = { ...body, retryAfter: seconds };
    }
    res.status(known.status).json(body);
  };
}
