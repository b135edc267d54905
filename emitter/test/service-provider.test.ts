import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { INDEX_LABELS } from '@auditlens/contract';
import { createAuditEmitter, LogTypeResourceExporter, RequestSizeLimitExporter } from '../src';
import { OtlpSink, kv } from './support/otlp-sink';
import { mapLikeLoki } from './support/loki-otlp-mapping';
import { accessEvent, activityEvent } from './support/events';

/** A service's own OTel logs pipeline, as the OTel Node SDK would set it up, sending to `endpoint`. */
function serviceProvider(endpoint: string, wrapForLoki: boolean) {
  const otlp = new OTLPLogExporter({ url: `${endpoint}/v1/logs` });
  const exporter = wrapForLoki
    ? new LogTypeResourceExporter(new RequestSizeLimitExporter(otlp, 4 * 1024 * 1024))
    : otlp;
  return new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'helpdesk-api', 'service.version': '7.1.0' }),
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
}

describe("createAuditEmitter({ loggerProvider }): through the service's own OTel pipeline", () => {
  let sink: OtlpSink;
  beforeEach(async () => {
    sink = await OtlpSink.start();
  });
  afterEach(async () => {
    await sink.stop();
  });

  it('records carry audit.log_type as a record attribute, for the collector to move to the resource', async () => {
    const provider = serviceProvider(sink.endpoint, false);
    const audit = createAuditEmitter({ loggerProvider: provider });
    audit.access(accessEvent());
    await audit.flush();
    const [{ resource, record, scope }] = sink.records() as [ReturnType<OtlpSink['records']>[number]];
    expect(resource['service.name']).toBe('helpdesk-api');
    expect(resource).not.toHaveProperty('audit.log_type');
    expect(kv(record.attributes)).toMatchObject({ 'audit.log_type': 'access', 'user.name': 'bob' });
    expect(scope).toBe('@auditlens/emitter');
    await provider.shutdown();
  });

  it("with the provider's exporter wrapped in LogTypeResourceExporter, Loki gets the same labels as from the emitter's own pipeline", async () => {
    const provider = serviceProvider(sink.endpoint, true);
    const audit = createAuditEmitter({ loggerProvider: provider });
    audit.access(accessEvent());
    audit.activity(activityEvent());
    provider.getLogger('app').emit({ body: 'an ordinary application log' });
    await audit.flush();

    const entries = sink.requests.flatMap(mapLikeLoki);
    const auditEntries = entries.filter((e) => e.line !== 'an ordinary application log');
    expect(auditEntries.map((e) => e.labels['audit_log_type']).sort()).toEqual(['access', 'activity']);
    for (const e of auditEntries) {
      expect(Object.keys(e.labels).sort()).toEqual([...INDEX_LABELS].sort());
      expect(e.labels['service_name']).toBe('helpdesk-api');
      expect(e.metadata).not.toHaveProperty('audit_log_type_extracted');
      expect(e.metadata['service_version']).toBe('7.1.0');
    }
    const appLog = entries.find((e) => e.line === 'an ordinary application log')!;
    expect(appLog.labels).toEqual({ service_name: 'helpdesk-api' });
    await provider.shutdown();
  });

  it("counts recorded and rejected calls; shutting the emitter down leaves the service's provider running", async () => {
    const provider = serviceProvider(sink.endpoint, true);
    const audit = createAuditEmitter({ loggerProvider: provider });
    audit.access(accessEvent());
    audit.access({ ...accessEvent(), ip: 'not an ip' });
    await audit.shutdown();
    audit.access(accessEvent());
    expect(audit.stats()).toEqual({ recorded: 2, rejected: 1, dropped: 1, exported: 0, failed: 0 });
    expect(sink.records()).toHaveLength(1);

    provider.getLogger('app').emit({ body: 'the service still logs' });
    await provider.forceFlush();
    expect(sink.records().map((r) => r.record.body?.stringValue)).toContain('the service still logs');
    await provider.shutdown();
  });

  it('refuses the options that configure a pipeline of its own', () => {
    const provider = serviceProvider(sink.endpoint, false);
    expect(() =>
      createAuditEmitter({ loggerProvider: provider, serviceName: 'x', endpoint: 'http://127.0.0.1:1' })
    ).toThrow(/serviceName, endpoint cannot be used with loggerProvider/);
    expect(() => createAuditEmitter({ loggerProvider: provider, maxChangesBytes: 1024 })).not.toThrow();
  });
});
