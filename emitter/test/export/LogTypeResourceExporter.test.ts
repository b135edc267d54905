import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Logger } from '@opentelemetry/api';
import { LogTypeResourceExporter } from '../../src';

async function sdkRecords(emit: (logger: Logger) => void): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'helpdesk', 'deployment.environment.name': 'prod' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  emit(provider.getLogger('test'));
  await provider.forceFlush();
  return memory.getFinishedLogRecords();
}

async function throughExporter(records: ReadableLogRecord[]): Promise<ReadableLogRecord[]> {
  const out = new InMemoryLogRecordExporter();
  await new Promise((resolve) => new LogTypeResourceExporter(out).export(records, resolve));
  return out.getFinishedLogRecords();
}

describe('LogTypeResourceExporter', () => {
  it('moves a record attribute audit.log_type to the resource, as groupbyattrs does', async () => {
    const [out] = await throughExporter(
      await sdkRecords((l) =>
        l.emit({ body: 'x', attributes: { 'audit.log_type': 'access', 'user.name': 'bob' } })
      )
    );
    expect(out!.resource.attributes).toEqual({
      'service.name': 'helpdesk',
      'deployment.environment.name': 'prod',
      'audit.log_type': 'access',
    });
    expect(out!.attributes).toEqual({ 'user.name': 'bob' });
  });

  it('takes the log type from the event name audit.<log type> when there is no such attribute', async () => {
    const [out] = await throughExporter(
      await sdkRecords((l) => l.emit({ eventName: 'audit.webhook_failure', body: 'x' }))
    );
    expect(out!.resource.attributes['audit.log_type']).toBe('webhook_failure');
  });

  it('passes other records unchanged', async () => {
    const records = await sdkRecords((l) => {
      l.emit({ body: 'an ordinary application log' });
      l.emit({ eventName: 'browser.page_view', body: 'not an audit event' });
    });
    expect(await throughExporter(records)).toEqual(records);
  });

  it('gives all records of one provider and log type the same resource object (one ResourceLogs each)', async () => {
    const out = await throughExporter(
      await sdkRecords((l) => {
        for (let i = 0; i < 3; i++) l.emit({ eventName: 'audit.access', body: `a${i}` });
        for (let i = 0; i < 2; i++) l.emit({ attributes: { 'audit.log_type': 'activity' }, body: `b${i}` });
      })
    );
    expect(new Set(out.map((r) => r.resource)).size).toBe(2);
    expect(out[0]!.resource).toBe(out[2]!.resource);
    expect(out[3]!.resource).toBe(out[4]!.resource);
  });
});
