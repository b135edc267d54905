import { createServer } from 'node:net';
import { createAuditEmitter, type AuditEmitterError } from '../../src';
import { waitFor } from '@auditlens/testkit';
import { OtlpSink } from '../support/otlp-sink';
import { accessEvent } from '../support/events';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const fastOptions = {
  serviceName: 'helpdesk',
  maxQueueSize: 20,
  maxExportBatchSize: 10,
  scheduledDelayMillis: 20,
  exportTimeoutMillis: 300,
};

describe('when the endpoint is unreachable, failing or hanging', () => {
  it('endpoint down: calls return without throwing, failures are counted and reported', async () => {
    const errors: AuditEmitterError[] = [];
    const audit = createAuditEmitter({
      ...fastOptions,
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 5; i++) expect(() => audit.access(accessEvent())).not.toThrow();
    await audit.flush();
    await audit.shutdown();
    const s = audit.stats();
    expect(s.recorded).toBe(5);
    expect(s.exported).toBe(0);
    expect(s.failed).toBe(5);
    expect(errors.some((e) => e.kind === 'export')).toBe(true);
  });

  it('503 then recovery: the queue stays bounded, drops are counted exactly, delivery resumes', async () => {
    const sink = await OtlpSink.start();
    sink.mode = 'unavailable';
    const audit = createAuditEmitter({ ...fastOptions, endpoint: sink.endpoint });
    const attempted = 500;
    for (let i = 0; i < attempted; i++) audit.access(accessEvent());
    await audit.flush();
    const during = audit.stats();
    expect(during.dropped).toBeGreaterThan(0);
    expect(during.recorded).toBe(attempted);
    // Never more held than the queue limit: the rest was dropped and counted, or handed to the exporter.
    expect(during.recorded - during.dropped - during.failed).toBeLessThanOrEqual(fastOptions.maxQueueSize);
    expect(sink.records()).toHaveLength(0);

    sink.mode = 'ok';
    for (let i = 0; i < 15; i++) audit.access(accessEvent());
    await audit.flush();
    await audit.shutdown();
    const after = audit.stats();
    expect(sink.records()).toHaveLength(after.exported);
    expect(after.exported).toBeGreaterThanOrEqual(15);
    expect(after.recorded).toBe(attempted + 15);
    expect(after.exported + after.failed + after.dropped).toBe(after.recorded);
    await sink.stop();
  });

  it('hanging endpoint: calls never wait, the export times out, and delivery resumes', async () => {
    const sink = await OtlpSink.start();
    sink.mode = 'hang';
    const audit = createAuditEmitter({ ...fastOptions, endpoint: sink.endpoint });
    for (let i = 0; i < 100; i++) audit.access(accessEvent());
    const held = audit.stats();
    // At most one batch in flight plus a full queue is held; everything else was dropped and counted.
    expect(held.recorded).toBe(100);
    expect(held.dropped).toBeGreaterThanOrEqual(
      100 - fastOptions.maxQueueSize - fastOptions.maxExportBatchSize
    );
    await audit.flush();
    await waitFor(() => audit.stats().failed > 0, 'a failed delivery', 5000);

    sink.mode = 'ok';
    audit.access(accessEvent({ user: { id: 'u-3', name: 'after-recovery' } }));
    await audit.flush();
    await audit.shutdown();
    const names = sink
      .records()
      .map((r) => r.record.attributes?.find((a) => a.key === 'user.name')?.value.stringValue);
    expect(names).toContain('after-recovery');
    const s = audit.stats();
    expect(sink.records()).toHaveLength(s.exported);
    expect(s.exported + s.failed + s.dropped).toBe(s.recorded);
    expect(s.recorded).toBe(101);
    await sink.stop();
  });

  it('an onError hook that throws never reaches the caller', async () => {
    const audit = createAuditEmitter({
      ...fastOptions,
      endpoint: 'http://127.0.0.1:1',
      onError: () => {
        throw new Error('hook failed');
      },
    });
    expect(() => audit.access({ ...accessEvent(), ip: 'not-an-ip' })).not.toThrow();
    await audit.shutdown();
  });
});
