import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import type { Attributes, Logger, LogRecord } from '@opentelemetry/api';
import {
  RECORD_LIMITS,
  WholeAttributesProcessor,
  wholeAttributes,
} from '../../src/export/WholeAttributesProcessor';
import { encodeAccess } from '../../src/encode/access';
import { encodeActivity } from '../../src/encode/activity';
import { encodeWebhookFailure } from '../../src/encode/webhook-failure';
import { encodeIntegrationFailure } from '../../src/encode/integration-failure';
import type { AuditRecord } from '../../src/event';
import { accessEvent, activityEvent, integrationFailureEvent, webhookFailureEvent } from '../support/events';

const LIMITS = { maxChangesBytes: 16_384, maxAttributeLength: 2048 };

/** Records as the SDK makes them from `attributes`, one `setAttribute` each (the reference). */
async function bySdk(attributes: Readonly<Record<string, unknown>>): Promise<ReadableLogRecord> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    logRecordLimits: RECORD_LIMITS,
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  provider.getLogger('test').emit({ body: 'x', attributes: attributes as Attributes });
  await provider.forceFlush();
  return memory.getFinishedLogRecords()[0]!;
}

/** The same through the emitter's first processor. */
async function whole(attributes: Readonly<Record<string, unknown>>): Promise<ReadableLogRecord> {
  const memory = new InMemoryLogRecordExporter();
  const first = new WholeAttributesProcessor(new SimpleLogRecordProcessor({ exporter: memory }));
  const provider = new LoggerProvider({ logRecordLimits: RECORD_LIMITS, processors: [first] });
  first.emit(provider.getLogger('test'), { body: 'x' }, attributes);
  await provider.forceFlush();
  return memory.getFinishedLogRecords()[0]!;
}

const ENCODED: ReadonlyArray<[string, () => AuditRecord]> = [
  ['access', () => encodeAccess(accessEvent(), LIMITS)],
  [
    'a failed login by an impersonator, with a reason',
    () =>
      encodeAccess(
        accessEvent({
          action: 'login_failed',
          reason: 'bad password',
          impersonator: { id: 'u-9', name: 'eve' },
        }),
        LIMITS
      ),
  ],
  ['activity', () => encodeActivity(activityEvent(), LIMITS)],
  [
    'activity without its optional fields (undefined values)',
    () =>
      encodeActivity(
        activityEvent({
          changes: undefined,
          ip: undefined,
          brand: undefined,
          target: { type: 't', id: '1' },
        }),
        LIMITS
      ),
  ],
  ['webhook failure', () => encodeWebhookFailure(webhookFailureEvent(), LIMITS)],
  ['integration failure', () => encodeIntegrationFailure(integrationFailureEvent(), LIMITS)],
];

describe('WholeAttributesProcessor', () => {
  it.each(ENCODED)(
    'gives the record of an encoded %s the attributes the SDK gives it',
    async (_name, encode) => {
      const attributes = encode().attributes;
      const expected = await bySdk(attributes);
      const got = await whole(attributes);
      expect(got.attributes).toEqual(expected.attributes);
      expect(Object.keys(got.attributes)).toEqual(Object.keys(expected.attributes));
      expect(got.droppedAttributesCount).toBe(expected.droppedAttributesCount);
    }
  );

  it('hands the emitter’s object over as it is when every value is kept', async () => {
    const attributes = encodeAccess(accessEvent(), LIMITS).attributes;
    expect(Object.values(attributes)).not.toContain(undefined);
    expect((await whole(attributes)).attributes).toBe(attributes);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an array', { 'user.roles': ['admin', 'owner'], 'user.id': 'u-1' }],
    ['a nested map', { 'audit.changes': { before: 1, after: { deep: [1, undefined, 'x'] } } }],
    ['null', { 'user.id': null }],
    ['a value of no OTel type', { 'user.id': 1n, 'user.name': () => 'x' }],
    ['an empty key', { '': 'x', 'user.id': 'u-1' }],
    [
      'more attributes than the limit',
      Object.fromEntries(
        Array.from({ length: RECORD_LIMITS.attributeCountLimit + 5 }, (_, i) => [`a.${i}`, i])
      ),
    ],
  ])('leaves attributes with %s to the SDK, which decides as before', async (_name, attributes) => {
    expect(wholeAttributes(attributes)).toBeUndefined();
    const expected = await bySdk(attributes);
    const got = await whole(attributes);
    expect(got.attributes).toEqual(expected.attributes);
    expect(got.droppedAttributesCount).toBe(expected.droppedAttributesCount);
  });

  it('copies without the undefined values, leaving the emitter’s object as it was', () => {
    const attributes = { 'user.id': 'u-1', 'user.email': undefined, 'audit.outcome': 'success' };
    const kept = wholeAttributes(attributes);
    expect(kept).toEqual({ 'user.id': 'u-1', 'audit.outcome': 'success' });
    expect(kept).not.toBe(attributes);
    expect(Object.keys(attributes)).toEqual(['user.id', 'user.email', 'audit.outcome']);
  });

  it('holds nothing for the next record when the logger emitted nothing', async () => {
    const memory = new InMemoryLogRecordExporter();
    const first = new WholeAttributesProcessor(new SimpleLogRecordProcessor({ exporter: memory }));
    const provider = new LoggerProvider({ processors: [first] });
    // A logger that drops the record (as a shut-down or disabled one does) never reaches the processor.
    const silent: Logger = { emit: (_record: LogRecord) => undefined, enabled: () => false };
    first.emit(silent, { body: 'dropped' }, { 'user.id': 'held' });
    provider.getLogger('other').emit({ body: 'another', attributes: { 'user.id': 'own' } });
    await provider.forceFlush();
    const [record] = memory.getFinishedLogRecords();
    expect(record!.attributes).toEqual({ 'user.id': 'own' });
  });

  it('gives a record the SDK does not let take the object its attributes one by one', () => {
    const set: Attributes[] = [];
    // A record whose attributes cannot be replaced (a getter-only property), as a future SDK's might be.
    const record = {
      get attributes(): Attributes {
        return {};
      },
      setAttributes(attributes: Attributes) {
        set.push(attributes);
        return this;
      },
    };
    const passedOn: unknown[] = [];
    const first = new WholeAttributesProcessor({
      onEmit: (r) => passedOn.push(r),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    });
    const logger: Logger = {
      emit: () => first.onEmit(record as never),
      enabled: () => true,
    };
    first.emit(logger, { body: 'x' }, { 'user.id': 'u-1' });
    expect(set).toEqual([{ 'user.id': 'u-1' }]);
    expect(passedOn).toEqual([record]);
  });
});
