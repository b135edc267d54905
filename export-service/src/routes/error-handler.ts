import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { ApiError } from '@auditlens/contract';
import { AppError, BadRequestError } from '../errors';

/** Maps typed errors to their status; hides the details of anything unexpected. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const parseError = (error as { type?: string }).type === 'entity.parse.failed';
    if (parseError) {
      res.status(400).json({
        error: 'the body is not valid JSON',
        issues: [{ field: '(body)', message: 'is not valid JSON' }],
      } satisfies ApiError);
      return;
    }
    if (error instanceof AppError) {
      if (error.status >= 500) logger.warn({ err: error, path: req.path }, 'upstream failure');
      const body: ApiError =
        error instanceof BadRequestError
          ? { error: error.message, issues: error.issues }
          : { error: error.message };
      res.status(error.status).json(body);
      return;
    }
    logger.error({ err: error, path: req.path }, 'unexpected error');
    res.status(500).json({ error: 'internal error' } satisfies ApiError);
  };
}
