/** Typed errors; the app's error middleware maps each to its HTTP status. */

/** Base of every error that carries an HTTP status. */
export abstract class AppError extends Error {
  abstract readonly status: number;
}

/** One problem with one input field. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

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

/**
 * 502: a dependency (Loki, Grafana, SMTP) failed. `retryable` is false when retrying cannot help
 * (a 4xx from Loki: the query itself is wrong), true for timeouts, network errors and 5xx.
 */
export class UpstreamError extends AppError {
  readonly status = 502;
  constructor(
    readonly upstream: 'loki' | 'grafana' | 'smtp',
    message: string,
    readonly retryable: boolean,
    readonly upstreamStatus?: number
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}
