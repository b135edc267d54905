/** Typed errors; the app's error middleware maps each to its HTTP status. */

/** Base of every error that carries an HTTP status. */
export abstract class AppError extends Error {
  abstract readonly status: number;

  /** What the client is told; the full message goes to the log. The default is the message itself. */
  get publicMessage(): string {
    return this.message;
  }
}

import type { FieldIssue } from '../domain-errors';

export type { FieldIssue } from '../domain-errors';

/** 400: the input is invalid; `issues` names each field and what is wrong with it. */
export class BadRequestError extends AppError {
  readonly status = 400;
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[] = []
  ) {
    super(message);
    this.name = 'BadRequestError';
  }
}

/** 401: no or wrong shared secret, or no identifiable Grafana user. Says nothing else. */
export class UnauthorizedError extends AppError {
  readonly status = 401;
  constructor(message = 'unauthorized') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** 403: the requester is known but may not do this. */
export class ForbiddenError extends AppError {
  readonly status = 403;
  constructor(message = 'forbidden') {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** 404: no such resource, or not the requester's. */
export class NotFoundError extends AppError {
  readonly status = 404;
  constructor(message = 'not found') {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** 410: the resource existed but has expired (an export file). */
export class GoneError extends AppError {
  readonly status = 410;
  constructor(message = 'gone') {
    super(message);
    this.name = 'GoneError';
  }
}

/** 409: the request conflicts with the resource's state (a grant already used, a mail already on its way). */
export class ConflictError extends AppError {
  readonly status = 409;
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** 413: the body is larger than the service accepts. */
export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  constructor(message = 'the request body is too large') {
    super(message);
    this.name = 'PayloadTooLargeError';
  }
}

/** 415: the body's content type, charset or encoding is not one the service reads. */
export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/**
 * 429: a per-user limit was reached, or the service is too busy to serve the request now. The client should
 * ask again after `retryAfterSeconds` (sent as `Retry-After`).
 */
export class TooManyRequestsError extends AppError {
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number
  ) {
    super(message);
    this.name = 'TooManyRequestsError';
  }
}

/** Another 4xx that express or a body parser reported, with its status. */
export class ClientRequestError extends AppError {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
    this.name = 'ClientRequestError';
  }
}

/** The client went away before its answer was ready; nothing is sent and nothing is logged as a failure. */
export class ClientGoneError extends AppError {
  // nginx's "client closed request": never seen by a client, only in logs and metrics.
  readonly status = 499;
  constructor() {
    super('the client closed the request');
    this.name = 'ClientGoneError';
  }
}

/** 502: a dependency failed (an {@link UpstreamError}, as the client may be told of it). */
export class BadGatewayError extends AppError {
  readonly status = 502;
  constructor(message: string) {
    super(message);
    this.name = 'BadGatewayError';
  }
}

// The Loki client raises it too, so it lives with that client; re-exported for the service's other upstreams.
export { UpstreamError } from '../domain-errors';
