import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Logger } from '@opentelemetry/api';
import { createAuditEmitter, RequestSizeLimitExporter } from '../../src';
import { OtlpSink } from '../support/otlp-sink';
import { accessEvent, activityEvent } from '../support/events';

/** Log records made by the real SDK, as an exporter receives them. */
async function sdkRecords(emit: (logger: Logger) => void): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'helpdesk' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  emit(provider.getLogger('test'));
  await provider.forceFlush();
  return memory.getFinishedLogRecords();
}

/** An exporter double that answers later, records each call, and fails the calls it is told to. */
class RecordingExporter implements LogRecordExporter {
  readonly calls: ReadableLogRecord[][] = [];
  maxConcurrent = 0;
  failCalls = new Set<number>();
  private running = 0;

  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    const call = this.calls.push(records) - 1;
    this.running += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.running);
    setTimeout(() => {
      this.running -= 1;
      done(
        this.failCalls.has(call)
          ? { code: ExportResultCode.FAILED, error: new Error(`part ${call} refused`) }
          : { code: ExportResultCode.SUCCESS }
      );
    }, 5);
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function exportAll(exporter: LogRecordExporter, records: ReadableLogRecord[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(records, resolve));
}

const bodies = (calls: ReadableLogRecord[][]) => calls.flat().map((r) => r.body);

describe('RequestSizeLimitExporter', () => {
  it('passes a batch that fits through as one request', async () => {
    const records = await sdkRecords((l) => {
      for (let i = 0; i < 100; i++) l.emit({ body: `small ${i}` });
    });
    const inner = new RecordingExporter();
    const result = await exportAll(new RequestSizeLimitExporter(inner, 4 * 1024 * 1024), records);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(inner.calls).toHaveLength(1);
    expect(inner.calls[0]).toBe(records);
  });

  it('splits large records into requests under the limit, in order, one request at a time', async () => {
    const big = 'x'.repeat(10_000);
    const records = await sdkRecords((l) => {
      for (let i = 0; i < 40; i++) l.emit({ body: `r${i}`, attributes: { 'audit.changes': big } });
    });
    const inner = new RecordingExporter();
    const limit = 64 * 1024;
    const exporter = new RequestSizeLimitExporter(inner, limit);
    const result = await exportAll(exporter, records);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(inner.calls.length).toBeGreaterThan(5);
    expect(bodies(inner.calls)).toEqual(records.map((r) => r.body));
    expect(inner.maxConcurrent).toBe(1);
    // Each part is one the exporter itself would cut the same way: no part could be split further.
    for (const part of inner.calls) expect(exporter.split(part)).toHaveLength(1);
  });

  it('sends a record larger than the limit on its own', async () => {
    const records = await sdkRecords((l) => {
      l.emit({ body: 'before' });
      l.emit({ body: 'huge', attributes: { 'audit.changes': 'y'.repeat(20_000) } });
      l.emit({ body: 'after' });
    });
    const inner = new RecordingExporter();
    await exportAll(new RequestSizeLimitExporter(inner, 8 * 1024), records);
    expect(inner.calls.map((c) => c.map((r) => r.body))).toEqual([['before'], ['huge'], ['after']]);
  });

  it('fails the batch when a part fails, and still sends the other parts', async () => {
    const records = await sdkRecords((l) => {
      for (let i = 0; i < 12; i++) l.emit({ body: `r${i}`, attributes: { big: 'z'.repeat(4000) } });
    });
    const inner = new RecordingExporter();
    inner.failCalls.add(0);
    const result = await exportAll(new RequestSizeLimitExporter(inner, 16 * 1024), records);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(String(result.error)).toContain('part 0 refused');
    expect(bodies(inner.calls)).toEqual(records.map((r) => r.body));
  });

  it('lets forceFlush and shutdown wait for the parts still being sent', async () => {
    const records = await sdkRecords((l) => {
      for (let i = 0; i < 12; i++) l.emit({ body: `r${i}`, attributes: { big: 'z'.repeat(4000) } });
    });
    const inner = new RecordingExporter();
    const exporter = new RequestSizeLimitExporter(inner, 16 * 1024);
    let finished = false;
    exporter.export(records, () => (finished = true));
    await exporter.forceFlush();
    expect(finished).toBe(true);
    expect(bodies(inner.calls)).toHaveLength(12);

    finished = false;
    exporter.export(records, () => (finished = true));
    await exporter.shutdown();
    expect(finished).toBe(true);
  });

  // Strings that JSON escapes, that UTF-8 makes longer, and that are neither (the cheap path).
  const tricky = [
    '"quoted" \\ back\\slashed',
    'tab\there, bell\u0007, nul\u0000',
    'émigré façade 東京 🚀🚀',
    'lone \ud800 surrogate \udfff',
    'plain ascii',
  ];

  for (const protocol of ['protobuf', 'json'] as const) {
    it(`keeps every ${protocol} request under maxExportBytes on the wire, whatever the strings hold`, async () => {
      const sink = await OtlpSink.start();
      const maxExportBytes = 64 * 1024;
      const audit = createAuditEmitter({
        serviceName: 'helpdesk',
        endpoint: sink.endpoint,
        protocol,
        maxExportBytes,
        maxQueueSize: 4096,
        maxExportBatchSize: 4096,
        resource: { 'deployment.environment.name': tricky.join(' ') },
      });
      let sent = 0;
      for (let i = 0; i < 300; i++) {
        const text = tricky[i % tricky.length]!;
        audit.activity(
          activityEvent({
            summary: `${text} #${i}`.repeat(1 + (i % 40)),
            changes: { before: { note: text.repeat(i % 200) }, after: { note: text } },
            target: { type: 'sla_policy', id: `sla-${i}`, name: text },
          })
        );
        audit.access(accessEvent({ userAgent: text.repeat(1 + (i % 3)) }));
        sent += 2;
      }
      await audit.shutdown();
      await sink.stop();

      expect(audit.stats()).toMatchObject({ recorded: sent, exported: sent, failed: 0, dropped: 0 });
      expect(sink.records()).toHaveLength(sent);
      expect(sink.bodySizes.length).toBeGreaterThan(3);
      expect(Math.max(...sink.bodySizes)).toBeLessThanOrEqual(maxExportBytes);
      // The bound is generous, not absurd: requests still carry a fair share of the limit.
      expect(Math.max(...sink.bodySizes)).toBeGreaterThan(maxExportBytes / 4);
    });
  }
});
