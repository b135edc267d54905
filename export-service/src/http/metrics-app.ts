import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { errorHandler, notFound } from './error-handler';
import type { ServiceMetrics } from './metrics';

/**
 * The Prometheus endpoint, `GET /metrics`, as an app of its own that `server.ts` serves on `METRICS_PORT`
 * (bound to `METRICS_HOST`, the loopback interface by default). Job counts and Loki traffic are no audit data,
 * but they tell how much is read and exported, and when; on a port of their own they reach only what the
 * operator lets reach that port (a scraper), not whoever can reach the API port.
 */
export function createMetricsApp(deps: { metrics: ServiceMetrics; logger: Logger }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
