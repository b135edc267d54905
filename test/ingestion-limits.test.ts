import { readYaml } from './repo-files';

// The collector's batches must fit what Loki accepts in one push, or a batch is refused every time and, with
// retries that never end, stalls its queue consumer for good. Loki's own defaults: ingestion_burst_size_mb 6,
// server.grpc_server_max_recv_msg_size 4 MiB (one push reaches the ingester as one gRPC message).
const MiB = 1024 * 1024;
const LOKI_DEFAULT_LIMITS = { burstBytes: 6 * MiB, grpcMessageBytes: 4 * MiB };
// Loki counts more than the protobuf size of a batch (resource attributes copied onto every entry,
// observed_timestamp, severity, scope): 1.1 times as much for the emitter's events on Loki 3.7. Batches keep
// room for twice the protobuf size.
const LOKI_EXPANSION_ROOM = 2;

interface Collector {
  extensions: { file_storage: { fsync?: boolean } };
  exporters: Record<
    string,
    {
      sending_queue: {
        storage: string;
        sizer?: string;
        queue_size: number;
        batch: { sizer?: string; max_size?: number; min_size?: number };
      };
      retry_on_failure: { max_elapsed_time: string };
    }
  >;
}
interface Loki {
  server: { grpc_server_max_recv_msg_size?: number };
  limits_config: { ingestion_rate_mb?: number; ingestion_burst_size_mb?: number };
}

describe('ingestion limits: the collector batches by bytes, within what Loki accepts', () => {
  const collector = readYaml<Collector>('collector-config/otelcol.yaml');
  const loki = readYaml<Loki>('collector-config/loki.yaml');
  const exporters = Object.values(collector.exporters);

  it('the persistent queue and its batches are measured in bytes, on storage that fsyncs', () => {
    expect(exporters.length).toBeGreaterThan(0);
    for (const e of exporters) {
      expect(e.sending_queue.sizer).toBe('bytes');
      expect(e.sending_queue.batch.sizer ?? e.sending_queue.sizer).toBe('bytes');
      expect(e.sending_queue.batch.max_size).toBeGreaterThan(0);
      expect(e.sending_queue.batch.min_size ?? 0).toBeLessThanOrEqual(e.sending_queue.batch.max_size!);
      expect(e.sending_queue.storage).toBe('file_storage');
    }
    expect(collector.extensions.file_storage.fsync).toBe(true);
  });

  it("a batch fits Loki's burst and gRPC message limit, with room, in loki.yaml and in Loki's defaults", () => {
    const limits = [
      loki.limits_config.ingestion_burst_size_mb! * MiB,
      loki.server.grpc_server_max_recv_msg_size!,
      LOKI_DEFAULT_LIMITS.burstBytes,
      LOKI_DEFAULT_LIMITS.grpcMessageBytes,
    ];
    for (const e of exporters) {
      for (const limit of limits) {
        expect(e.sending_queue.batch.max_size! * LOKI_EXPANSION_ROOM).toBeLessThanOrEqual(limit);
      }
    }
  });

  it('loki.yaml states its ingestion rate and burst, and lets a push as large as the burst reach the ingester', () => {
    expect(loki.limits_config.ingestion_rate_mb).toBeGreaterThan(0);
    expect(loki.limits_config.ingestion_burst_size_mb).toBeGreaterThanOrEqual(
      loki.limits_config.ingestion_rate_mb!
    );
    expect(loki.server.grpc_server_max_recv_msg_size).toBeGreaterThanOrEqual(
      loki.limits_config.ingestion_burst_size_mb! * MiB
    );
  });
});
