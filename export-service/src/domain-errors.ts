/**
 * Errors of the layers below the routes, which know nothing of HTTP: `http/error-handler.ts` alone maps each to
 * its status. Modules outside `http/`, the routes and the auth middleware throw these, never `http/errors.ts` (a
 * lint rule in eslint.config.mjs holds them to it).
 */

// A dependency (Loki, Grafana, SMTP) failed; the Loki client raises it, so it is defined with that client.
export { UpstreamError } from '@auditlens/loki';

/** One problem with one input field. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** The input is invalid (answered 400); `issues` names each field and what is wrong with it. */
export class InvalidInputError extends Error {
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[] = []
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** A limit was reached: a per-user budget, or as much work as the service takes at once (answered 429). */
export class LimitReachedError extends Error {
  constructor(
    message: string,
    /** When asking again may succeed (sent as `Retry-After`). */
    readonly retryAfterSeconds: number
  ) {
    super(message);
    this.name = 'LimitReachedError';
  }
}

/**
 * Who is asking could not be established: no verified identity, or one that Grafana does not know (answered 401,
 * which says nothing more).
 */
export class NotIdentifiedError extends Error {
  constructor(message = 'not identified') {
    super(message);
    this.name = 'NotIdentifiedError';
  }
}

/** The requester may not do this: an export grant forged, expired or issued to someone else (answered 403). */
export class NotAllowedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotAllowedError';
  }
}
