import { HttpLokiClient } from '@auditlens/loki';
import type { Config } from '../config';
import type { ServiceMetrics } from './metrics';
import { requestSignal } from './request-signal';
import { SheddingLokiClient } from './shedding-loki-client';

/** The service's two ways to Loki: the pages' lane and the exports' lane. */
export interface LokiLanes {
  /** The pages' queries: bounded, shared and shed (a 429 rather than a request that would time out). */
  readonly pages: SheddingLokiClient;
  /** Exports and verifications: they wait their turn, in a queue of their own at Loki too. */
  readonly exports: SheddingLokiClient;
}

/** Builds both lanes to the Loki of `config`, each counted in `metrics`. */
export function lokiLanes(config: Config, metrics: ServiceMetrics): LokiLanes {
  const pages = new SheddingLokiClient(
    new HttpLokiClient({ url: config.LOKI_URL, tenant: config.LOKI_TENANT, onRequest: metrics.observeLoki }),
    {
      maxInFlight: config.LOKI_MAX_IN_FLIGHT,
      maxQueued: config.LOKI_QUEUE,
      maxWaitMs: config.LOKI_QUEUE_WAIT_MS,
      answerWithinMs: config.LOKI_ANSWER_WITHIN_MS,
      shareMs: config.LOKI_SHARE_SECONDS * 1000,
      onOutcome: metrics.observeQuery,
      ambientSignal: requestSignal,
    }
  );
  // Exports wait in a queue of their own at Loki too (`X-Loki-Actor-Path`), so pages are not stuck behind them.
  const exports = new SheddingLokiClient(
    new HttpLokiClient({
      url: config.LOKI_URL,
      tenant: config.LOKI_TENANT,
      lane: 'exports',
      onRequest: metrics.observeLoki,
    }),
    {
      maxInFlight: config.LOKI_EXPORT_MAX_IN_FLIGHT,
      maxQueued: Infinity,
      maxWaitMs: Infinity,
      answerWithinMs: Infinity,
      shareMs: 0,
      ambientSignal: requestSignal,
    }
  );
  return { pages, exports };
}
