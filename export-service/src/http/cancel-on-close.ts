import type { RequestHandler } from 'express';
import { ClientGoneError } from './errors';
import { runWithRequestSignal } from './request-signal';

/**
 * Runs the rest of the request with a signal that aborts when the client goes away before its answer is
 * complete, so the Loki queries made for it are cancelled (see `limits/shedding-loki-client.ts`). Mounted
 * after the body parser: events of the request stream would not carry the signal.
 */
export function cancelOnClose(): RequestHandler {
  return (_req, res, next) => {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new ClientGoneError());
    });
    runWithRequestSignal(controller.signal, next);
  };
}
