import { startLoki, type LokiServer } from '@auditlens/testkit';

/**
 * A real Loki for a benchmark: ingestion limits raised only so that seeding is quick; every query limit stays
 * Loki's default, so the figures are those of a Loki as shipped.
 */
export function startBenchLoki(): Promise<LokiServer> {
  return startLoki({
    overrides: {
      limits_config: {
        ingestion_rate_mb: 1024,
        ingestion_burst_size_mb: 1024,
        per_stream_rate_limit: '1GB',
        per_stream_rate_limit_burst: '1GB',
      },
    },
  });
}
