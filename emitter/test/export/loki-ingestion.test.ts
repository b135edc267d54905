import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { announce, hasRealLoki, lokiForTests, type LokiTarget } from '@auditlens/testkit';
import { CHECKPOINT_LOG_TYPE } from '@auditlens/contract';
import { createAuditEmitter, LogTypeResourceExporter, RequestSizeLimitExporter } from '../../src';
import { RecordingProxy } from '../support/recording-proxy';
import { readAll } from '../support/loki-query';
import { accessEvent, activityEvent } from '../support/events';

// Loki's own defaults for the limits a push meets (Loki 3.7 configuration reference, `limits_config` and
// `server`), so that the test holds for any Loki, not only for the more generous collector-config/loki.yaml.
const LOKI_DEFAULT_LIMITS = {
  limits_config: {
    ingestion_rate_mb: 4,
    ingestion_burst_size_mb: 6,
    per_stream_rate_limit: '3MB',
    per_stream_rate_limit_burst: '15MB',
  },
  server: { grpc_server_max_recv_msg_size: 4 * 1024 * 1024, grpc_server_max_send_msg_size: 4 * 1024 * 1024 },
};

const MAX_CHANGES_BYTES = 16_384;
/** A `changes` object whose JSON is exactly at the emitter's cap (16 KiB), so it is kept whole. */
function changesAtTheCap(i: number): Record<string, unknown> {
  const shape = { before: { rule: `rule-${String(i).padStart(5, '0')}`, body: '' } };
  return { before: { ...shape.before, body: 'x'.repeat(MAX_CHANGES_BYTES - JSON.stringify(shape).length) } };
}

const realLoki = hasRealLoki();
if (!realLoki) announce('emitter ingestion into Loki: skipped, neither LOKI_BIN nor LOKI_URL is set');

(realLoki ? describe : describe.skip)('emitter → real Loki /otlp, under Loki’s default limits', () => {
  let loki: LokiTarget;
  let lokiUrl: string;
  let proxy: RecordingProxy;

  beforeAll(async () => {
    loki = await lokiForTests('emitter ingestion under Loki default limits', {
      overrides: LOKI_DEFAULT_LIMITS,
    });
    if (loki.kind !== 'real') throw new Error('expected a real Loki');
    lokiUrl = loki.url;
    proxy = await RecordingProxy.start(lokiUrl);
  }, 60_000);

  afterAll(async () => {
    await proxy?.stop();
    await loki?.release();
  });

  it('delivers 2,000 activity events with changes at the size cap, each exactly once', async () => {
    const serviceName = `ingest-${Date.now()}`;
    const from = new Date(Date.now() - 60_000);
    const audit = createAuditEmitter({ serviceName, endpoint: `${proxy.url}/otlp` });
    const count = 2000;
    for (let i = 0; i < count; i++) {
      audit.activity(activityEvent({ summary: `jane updated rule ${i}`, changes: changesAtTheCap(i) }));
    }
    await audit.shutdown();

    const pushes = proxy.exchanges.filter((e) => e.path === '/otlp/v1/logs');
    announce(
      `emitter ingestion: ${count} events of ${MAX_CHANGES_BYTES} B changes in ${pushes.length} pushes ` +
        `(largest ${Math.max(...pushes.map((p) => p.requestBytes))} B), ` +
        `${pushes.filter((p) => p.status === 429).length} answered 429 (rate) and retried`
    );
    expect(audit.stats()).toEqual({ recorded: count, rejected: 0, dropped: 0, exported: count, failed: 0 });
    for (const push of pushes) {
      expect(push.requestBytes).toBeLessThanOrEqual(4 * 1024 * 1024);
      // Never too large for Loki: only "not now" (rate) refusals, which the exporter's retries get through.
      if (push.status >= 300)
        expect([push.status, push.refusal]).toEqual([429, expect.stringMatching(/rate limit/i)]);
    }

    const entries = await readAll(
      lokiUrl,
      `{service_name="${serviceName}", audit_log_type="activity"} | keep audit_event_id, audit_log_type`,
      from
    );
    expect(entries).toHaveLength(count);
    expect(new Set(entries.map((e) => e.labels['audit_event_id'])).size).toBe(count);
    expect(new Set(entries.map((e) => e.line)).size).toBe(count);
    expect(entries.every((e) => e.labels['audit_log_type'] === 'activity')).toBe(true);

    // The changes arrived whole: 16 KiB of JSON in structured metadata.
    const [one] = await readAll(
      lokiUrl,
      `{service_name="${serviceName}"} |~ "rule 7$" | keep audit_changes`,
      from
    );
    expect(Buffer.byteLength(one!.labels['audit_changes']!, 'utf8')).toBe(MAX_CHANGES_BYTES);
  }, 180_000);

  it('without the byte limit, the same kind of batch is refused every time (the control)', async () => {
    const serviceName = `unsplit-${Date.now()}`;
    const from = new Date(Date.now() - 60_000);
    const before = proxy.exchanges.length;
    const audit = createAuditEmitter({
      serviceName,
      endpoint: `${proxy.url}/otlp`,
      maxExportBytes: 1024 * 1024 * 1024,
      exportTimeoutMillis: 4000,
    });
    for (let i = 0; i < 512; i++) audit.activity(activityEvent({ changes: changesAtTheCap(i) }));
    await audit.shutdown();

    expect(audit.stats()).toMatchObject({ recorded: 512, exported: 0, failed: 512 });
    const refusals = proxy.exchanges.slice(before).filter((e) => e.status >= 300);
    expect(refusals.length).toBeGreaterThan(0);
    expect(
      await readAll(lokiUrl, `{service_name="${serviceName}", audit_log_type="activity"}`, from)
    ).toHaveLength(0);
    // The chain's final checkpoint, small, got through: it names 512 records that Loki does not have.
    const [checkpoint] = await readAll(
      lokiUrl,
      `{service_name="${serviceName}", audit_log_type="${CHECKPOINT_LOG_TYPE}"}`,
      from
    );
    expect(checkpoint!.labels).toMatchObject({ audit_chain_seq: '512', audit_checkpoint_final: 'true' });
  }, 60_000);

  it("a service's own provider, its exporter wrapped, gets the index labels service_name and audit_log_type", async () => {
    const serviceName = `own-provider-${Date.now()}`;
    const from = new Date(Date.now() - 60_000);
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName }),
      processors: [
        new BatchLogRecordProcessor({
          exporter: new LogTypeResourceExporter(
            new RequestSizeLimitExporter(
              new OTLPLogExporter({ url: `${lokiUrl}/otlp/v1/logs` }),
              4 * 1024 * 1024
            )
          ),
        }),
      ],
    });
    const audit = createAuditEmitter({ loggerProvider: provider });
    audit.access(accessEvent({ user: { id: 'u-5', name: 'zoe' } }));
    await audit.shutdown();
    await provider.shutdown();

    const [entry, ...rest] = await readAll(
      lokiUrl,
      `{service_name="${serviceName}", audit_log_type="access"} | user_name="zoe"`,
      from
    );
    expect(rest).toHaveLength(0);
    expect(entry!.labels).toMatchObject({
      service_name: serviceName,
      audit_log_type: 'access',
      user_name: 'zoe',
    });
    expect(entry!.labels).not.toHaveProperty('audit_log_type_extracted');
  }, 60_000);
});
