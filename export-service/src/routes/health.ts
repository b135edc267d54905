import { Router } from 'express';
import type { LokiClient } from '../loki/types';
import type { ServiceMetrics } from '../metrics/metrics';

/** `/healthz` (the process is up), `/readyz` (Loki answers) and `/metrics` (Prometheus text). */
export function createHealthRouter(deps: { loki: LokiClient; metrics: ServiceMetrics }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await deps.loki.ready();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'loki unreachable' });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return router;
}
