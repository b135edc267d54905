import { Router } from 'express';
import type { ConnectionCheck } from '@auditlens/contract';
import { requesterOf } from '../auth/resolve-requester';
import type { LokiClient } from '@auditlens/loki';

/**
 * `/healthz` (the process is up) and `/readyz` (Loki answers), for probes: no secret, and nothing but a status.
 * Metrics are served on a port of their own (`metrics/metrics-app.ts`).
 */
export function createHealthRouter(deps: { loki: LokiClient }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const ready = await deps.loki.ready();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'loki unreachable' });
  });
  return router;
}

/**
 * `GET /api/v1/health` behind the shared secret and the requester lookup: what the plugin's "test
 * connection" button calls, so a pass proves the secret, the Grafana token and Loki all work.
 */
export function createConnectionCheckRouter(deps: { loki: LokiClient }): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const lokiReady = await deps.loki.ready();
    const body: ConnectionCheck = {
      status: lokiReady ? 'ok' : 'loki unreachable',
      user: requesterOf(res).login,
    };
    res.status(lokiReady ? 200 : 503).json(body);
  });
  return router;
}
