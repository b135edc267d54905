import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { context, trace, TraceFlags, type AnyValue, type Logger } from '@opentelemetry/api';
import { OtlpProtobufLogsSerializer } from '../../src/export/OtlpProtobufLogsSerializer';
import { LogTypeResourceExporter } from '../../src';
import { decodeLogsRequest } from '../support/otlp-protobuf';

/** Records as the SDK hands them to an exporter, from loggers of one provider. */
async function sdkRecords(
  emit: (logger: (name: string, version?: string, schemaUrl?: string) => Logger) => void,
  resource: Record<string, string | number | boolean | string[]> = { 'service.name': 'helpdesk' },
  resourceSchemaUrl?: string
): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(resource, { schemaUrl: resourceSchemaUrl }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  emit((name, version, schemaUrl) =>
    provider.getLogger(name, version, schemaUrl === undefined ? undefined : { schemaUrl })
  );
  await provider.forceFlush();
  return memory.getFinishedLogRecords();
}

/** Ours and the SDK's bytes for the same records. */
function both(records: ReadableLogRecord[], ours = new OtlpProtobufLogsSerializer()) {
  return {
    ours: Buffer.from(ours.serializeRequest(records)),
    sdk: Buffer.from(ProtobufLogsSerializer.serializeRequest(records) ?? new Uint8Array()),
  };
}

// Short and long (from 24 characters on, strings are written natively and checked for ASCII afterwards).
const NOT_ASCII = [
  'Zoë',
  '日本語',
  '😀 emoji',
  'lone \ud800 surrogate',
  'tail \udc00',
  'é'.repeat(200),
  'Zoë Müller-Lüdenscheidt aus Köln',
  'a lone \ud800 surrogate, past 24 characters',
  'ascii for 24 characters, then é',
];

describe('OtlpProtobufLogsSerializer', () => {
  it('writes the bytes the SDK writes for audit records of every kind of value', async () => {
    // Every third record an access event and every third an activity event, so that the emitter's pipeline
    // puts them on resources of their own; the others stay on the provider's.
    const eventNames = ['audit.access', 'audit.activity', undefined];
    let n = 0;
    const records = await sdkRecords((logger) => {
      const scoped = logger('@auditlens/emitter', '0.1.0');
      const l = {
        emit: (r: Parameters<Logger['emit']>[0]) => scoped.emit({ eventName: eventNames[n++ % 3], ...r }),
      };
      // A chained audit record as the emitter's exporter hands it on.
      l.emit({
        eventName: 'audit.access',
        severityNumber: 9,
        severityText: 'INFO',
        body: 'bob logged in to the agent portal (form)',
        attributes: {
          'audit.event_id': '0190c2a8-7f3e-7a00-8000-000000000000',
          'user.name': 'bob',
          'audit.chain.seq': 123456,
          'audit.chain.id': '0190c2a8-7f3e-7a00-8000-000000000001',
          'audit.chain.prev': 'ab'.repeat(32),
          'audit.chain.hash': 'cd'.repeat(32),
          'http.response.status_code': 502,
        },
      });
      // Strings at and around the lengths where a length takes a second byte, and past them.
      const lengths = [0, 1, 200, 16_383, 16_384, 70_000];
      for (let length = 95; length <= 135; length++) lengths.push(length);
      for (const length of lengths)
        l.emit({
          body: 'x'.repeat(length),
          attributes: { k: 'v'.repeat(length), 'audit.changes': 'c'.repeat(length) },
        });
      for (const text of NOT_ASCII)
        l.emit({ body: text, attributes: { 'user.name': text, [text]: 'key not ascii' } });
      l.emit({
        severityNumber: 17,
        attributes: {
          zero: 0,
          negative: -1,
          veryNegative: -(2 ** 40) - 3,
          large: 2 ** 33 + 1,
          huge: 2 ** 60,
          minimum: -(2 ** 63),
          double: 1.5,
          notANumber: Number.NaN,
          infinite: Number.POSITIVE_INFINITY,
          yes: true,
          no: false,
          list: ['a', 1, true, 2.5, 'é'],
          empty: [],
          bytes: new Uint8Array([0, 1, 255]),
        },
      });
      const map: Record<string, AnyValue> = { nested: { deeper: ['x', { y: 1 }] }, text: 'é', n: 3 };
      l.emit({ body: map, attributes: { map } });
      l.emit({ body: 42 });
      l.emit({ body: ['a', 'b'] });
      l.emit({ body: new Uint8Array([9, 8, 7]) });
      l.emit({}); // no body, no severity, no attributes
      // A record in a sampled span: trace flags, trace and span ids (either case, as the API accepts).
      const spanContext = {
        traceId: '0af7651916cd43dd8448eb211c80319C'.toLowerCase(),
        spanId: 'B7AD6B7169203331',
        traceFlags: TraceFlags.SAMPLED,
      };
      l.emit({ body: 'in a span', context: trace.setSpanContext(context.active(), spanContext) });
      // Another scope, with a version and a schema URL, between records of the first one.
      logger('other', '2.0.0', 'https://opentelemetry.io/schemas/1.30.0').emit({ body: 'other scope' });
      logger('bare').emit({ body: 'no version' });
      l.emit({ body: 'first scope again' });
    });
    // Split by log type onto four resources, as the emitter's pipeline sends them.
    const grouped = await new Promise<ReadableLogRecord[]>((resolve) =>
      new LogTypeResourceExporter({
        export: (r, done) => {
          resolve(r);
          done({ code: 0 });
        },
        shutdown: async () => {},
        forceFlush: async () => {},
      }).export(records, () => {})
    );
    const { ours, sdk } = both(grouped);
    expect(ours.length).toBeGreaterThan(200_000);
    expect(ours.equals(sdk)).toBe(true);
    // And what it wrote reads back: every record, in resource and scope groups.
    const decoded = decodeLogsRequest(ours);
    const count = decoded.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)).length;
    expect(count).toBe(records.length);
    expect(decoded.resourceLogs.length).toBe(3);
  });

  it('writes every timestamp as the SDK does, records of one second after another and across seconds', async () => {
    // Nanoseconds where the low 32 bits of the sum carry, seconds from 0 to past 2^32, repeated and changing.
    const times: Array<[number, number]> = [
      [0, 0],
      [0, 999_999_999],
      [1, 0],
      [1_796_178_355, 123_456_789],
      [1_796_178_355, 999_999_999],
      [1_796_178_355, 0],
      [1_796_178_356, 1],
      [4_294_967_295, 999_999_999],
      [4_294_967_296, 5],
      [9_007_199, 254_740_991],
    ];
    // Some of these seconds times 1e9 end a few nanoseconds below a multiple of 2^32: find one and cross it.
    const seconds = 4_294_967;
    const belowCarry = 2 ** 32 - ((seconds * 1e9) % 2 ** 32);
    times.push([seconds, belowCarry - 1], [seconds, belowCarry], [seconds, belowCarry + 1]);
    const records = await sdkRecords((logger) => {
      const l = logger('@auditlens/emitter', '0.1.0');
      for (const [s, ns] of times) l.emit({ body: 'x', timestamp: [s, ns], observedTimestamp: [s + 1, ns] });
    });
    const { ours, sdk } = both(records);
    expect(ours.equals(sdk)).toBe(true);
    expect(decodeLogsRequest(ours).resourceLogs![0]!.scopeLogs![0]!.logRecords).toHaveLength(times.length);
  });

  it('writes resources with every kind of attribute and a schema URL, as the SDK does', async () => {
    const attributes = {
      'service.name': 'helpdesk',
      'deployment.environment.name': 'prod',
      pid: 42,
      on: true,
      tags: ['a', 'b'],
    };
    for (const schemaUrl of [undefined, 'https://opentelemetry.io/schemas/1.30.0']) {
      const records = await sdkRecords((logger) => logger('test').emit({ body: 'x' }), attributes, schemaUrl);
      expect(records[0]!.resource.schemaUrl).toBe(schemaUrl);
      const { ours, sdk } = both(records);
      expect(ours.equals(sdk)).toBe(true);
    }
  });

  it('keeps each request its own bytes while it reuses its buffer, and writes an empty batch as empty', async () => {
    const serializer = new OtlpProtobufLogsSerializer();
    const first = await sdkRecords((logger) => logger('a').emit({ body: 'first' }));
    const second = await sdkRecords((logger) => logger('b').emit({ body: 'second, longer than the first' }));
    const a = serializer.serializeRequest(first);
    const copy = Buffer.from(a);
    const b = serializer.serializeRequest(second);
    expect(Buffer.from(a).equals(copy)).toBe(true);
    expect(Buffer.from(b).equals(Buffer.from(ProtobufLogsSerializer.serializeRequest(second)!))).toBe(true);
    expect(serializer.serializeRequest([]).length).toBe(0);
  });

  it('reads the collector’s partial-success answer as the SDK does', () => {
    // ExportLogsServiceResponse{partial_success{rejected_log_records: 3, error_message: "no"}}
    const answer = new Uint8Array([0x0a, 0x06, 0x08, 0x03, 0x12, 0x02, 0x6e, 0x6f]);
    expect(new OtlpProtobufLogsSerializer().deserializeResponse(answer)).toEqual(
      ProtobufLogsSerializer.deserializeResponse(answer)
    );
  });
});
