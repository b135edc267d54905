import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EXPORT_STATUSES } from '@auditlens/contract';

/** The service's Prometheus metrics. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly rowsExported = new Counter({
    name: 'auditlens_export_rows_total',
    help: 'Rows written to export files',
    registers: [this.registry],
  });
  readonly lokiRequests = new Counter({
    name: 'auditlens_loki_requests_total',
    help: 'Requests to Loki by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly lokiLatency = new Histogram({
    name: 'auditlens_loki_request_duration_seconds',
    help: 'Latency of requests to Loki',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly lokiQueries = new Counter({
    name: 'auditlens_loki_queries_total',
    help: 'Queries of the data routes by how they were served: queried at Loki, shared with an identical one, or shed (429 busy)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** `jobsByState` is asked at each scrape; its failure (the job store out of reach) fails the scrape. */
  constructor(jobsByState: () => Promise<Record<string, number>>) {
    new Gauge({
      name: 'auditlens_export_jobs',
      help: 'Export jobs by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const counts = await jobsByState();
        for (const state of EXPORT_STATUSES) this.set({ state }, counts[state] ?? 0);
      },
    });
  }

  /** Records how a data-route query was served; pass to the shedding Loki client's `onOutcome`. */
  observeQuery = (outcome: 'queried' | 'shared' | 'shed'): void => {
    this.lokiQueries.inc({ outcome });
  };

  /** Records one Loki request; pass to the Loki client's `onRequest`. */
  observeLoki = (outcome: 'ok' | 'error', seconds: number): void => {
    this.lokiRequests.inc({ outcome });
    this.lokiLatency.observe(seconds);
  };
}
