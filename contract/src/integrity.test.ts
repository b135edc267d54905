import { createHash } from 'node:crypto';
import {
  CHAINED_ATTRIBUTES,
  GENESIS_HASH,
  INTEGRITY_ATTR,
  STRUCTURED_METADATA_FIELDS,
  canonicalCheckpoint,
  canonicalJson,
  canonicalRecord,
  CanonicalRecordEncoder,
  chainedValue,
  lokiFieldName,
  utf8ByteLength,
  type ChainedRecord,
} from './index';

function record(fields: Record<string, string>, over: Partial<ChainedRecord> = {}): ChainedRecord {
  return {
    prev: GENESIS_HASH,
    timestamp: '1796178355123456789',
    logType: 'access',
    severityNumber: '9',
    body: 'bob logged in to the agent portal (form)',
    field: (lokiName) => fields[lokiName],
    ...over,
  };
}

describe('integrity encoding', () => {
  it('counts UTF-8 bytes as Buffer does, lone surrogates included', () => {
    const samples = ['', 'abc', 'é', '€', '😀', 'a\ud800b', '\udc00', 'x\ud83d', 'Zoë 日本 😀\n\t"'];
    for (let i = 0; i < 200; i++) {
      samples.push(
        String.fromCharCode(...Array.from({ length: 12 }, () => Math.floor(Math.random() * 0x10000)))
      );
    }
    for (const s of samples) expect(utf8ByteLength(s)).toBe(Buffer.byteLength(s, 'utf8'));
  });

  it('covers every audit attribute but the log type, plus chain id and seq, in Loki-name byte order', () => {
    const names = CHAINED_ATTRIBUTES.map(([, loki]) => loki);
    expect(names).toEqual([...names].sort());
    expect(new Set(names)).toEqual(
      new Set([...STRUCTURED_METADATA_FIELDS, 'audit_chain_id', 'audit_chain_seq'])
    );
    for (const [otel, loki] of CHAINED_ATTRIBUTES) expect(lokiFieldName(otel)).toBe(loki);
    expect(names).not.toContain(lokiFieldName(INTEGRITY_ATTR.hash));
    expect(names).not.toContain(lokiFieldName(INTEGRITY_ATTR.prev));
  });

  it('encodes fields as netstrings in a fixed order, whatever order they were given in', () => {
    const a = record({ user_name: 'bob', audit_action: 'login', audit_chain_seq: '7' });
    const fields = { audit_chain_seq: '7', audit_action: 'login', user_name: 'bob' };
    const b = record(fields);
    expect(canonicalRecord(a)).toBe(canonicalRecord(b));
    expect(canonicalRecord(a)).toBe(
      '18:auditlens-chain-v1,' +
        `64:${GENESIS_HASH},` +
        '19:1796178355123456789,' +
        '6:access,' +
        '1:9,' +
        '40:bob logged in to the agent portal (form),' +
        '12:audit_action,5:login,' +
        '15:audit_chain_seq,1:7,' +
        '9:user_name,3:bob,'
    );
  });

  it('counts UTF-8 bytes of values that are not ASCII', () => {
    const text = canonicalRecord(record({ user_name: 'Zoë 😀' }, { body: 'é' }));
    expect(text).toContain('2:é,');
    expect(text).toContain('9:user_name,9:Zoë 😀,');
    // The same with Buffer's count.
    expect(canonicalRecord(record({ user_name: 'Zoë 😀' }, { body: 'é' }), (s) => Buffer.byteLength(s))).toBe(
      text
    );
  });

  it('treats absent and empty fields alike, and ignores fields it does not cover', () => {
    const base = canonicalRecord(record({ user_name: 'bob' }));
    expect(canonicalRecord(record({ user_name: 'bob', audit_brand: '' }))).toBe(base);
    expect(canonicalRecord(record({ user_name: 'bob', detected_level: 'info', scope_name: 'x' }))).toBe(base);
  });

  it('changes with every covered part, and cannot be confused by separators inside values', () => {
    const base = canonicalRecord(record({ user_name: 'bob', audit_action: 'login' }));
    const variants = [
      record({ user_name: 'bob', audit_action: 'login' }, { prev: '1'.repeat(64) }),
      record({ user_name: 'bob', audit_action: 'login' }, { timestamp: '1796178355123456790' }),
      record({ user_name: 'bob', audit_action: 'login' }, { logType: 'activity' }),
      record({ user_name: 'bob', audit_action: 'login' }, { severityNumber: '13' }),
      record({ user_name: 'bob', audit_action: 'login' }, { body: 'bob logged in' }),
      record({ user_name: 'bob', audit_action: 'logout' }),
      record({ user_name: 'bob' }),
      record({ user_name: 'bob', audit_action: 'login', client_address: '10.0.0.1' }),
    ];
    const encodings = new Set([base, ...variants.map((v) => canonicalRecord(v))]);
    expect(encodings.size).toBe(variants.length + 1);
    // A value holding what looks like the next field stays one value.
    const sneaky = canonicalRecord(record({ user_name: 'bob,9:user_name,3:eve' }));
    expect(sneaky).toContain('21:bob,9:user_name,3:eve,');
    expect(sneaky).not.toBe(canonicalRecord(record({ user_name: 'eve' })));
  });

  it('has a known-answer vector for other implementations (docs/integrity.md)', () => {
    const text = canonicalRecord(
      record({
        audit_event_id: '0190c2a8-7f3e-7a00-8000-000000000000',
        audit_chain_seq: '1',
        user_name: 'bob',
      })
    );
    // Recomputed independently of canonicalRecord: the netstrings spelled out by hand.
    const expected = [
      'auditlens-chain-v1',
      GENESIS_HASH,
      '1796178355123456789',
      'access',
      '9',
      'bob logged in to the agent portal (form)',
      'audit_chain_seq',
      '1',
      'audit_event_id',
      '0190c2a8-7f3e-7a00-8000-000000000000',
      'user_name',
      'bob',
    ]
      .map((s) => `${Buffer.byteLength(s)}:${s},`)
      .join('');
    expect(text).toBe(expected);
    // The vector of docs/integrity.md, also checked there with `printf '%s' ... | sha256sum`.
    expect(createHash('sha256').update(text, 'utf8').digest('hex')).toBe(
      'b9125abd2b9421113cb6cb16267698d1a31cb5966db00fb39dda2ea92aa3c08b'
    );
  });

  it('writes with its byte encoder exactly the UTF-8 bytes of the string encoding, with and without a native writer', () => {
    // The emitter's writer: Node's Buffer for strings of 24 characters and more.
    const encoders = [
      new CanonicalRecordEncoder(),
      new CanonicalRecordEncoder<Buffer>({
        allocate: (size) => Buffer.alloc(size),
        write: (bytes, text, offset) => bytes.write(text, offset),
      }),
    ];
    const lokiNames = CHAINED_ATTRIBUTES.map(([, loki]) => loki);
    // Seeded, so that a failure replays.
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabets = [
      'abc XYZ 0123456789-_.:,@/',
      '\t\n\r\u0000\u001f\u007f',
      'éß€日本',
      '😀\ud83d\ude00',
      '\ud800\udbff\udc00\udfff', // lone surrogates, sent as U+FFFD
    ];
    const text = (length: number) => {
      const alphabet = alphabets[random(alphabets.length)]!;
      return Array.from({ length }, () => alphabet[random(alphabet.length)]).join('');
    };
    const records: ChainedRecord[] = [
      record({
        audit_event_id: '0190c2a8-7f3e-7a00-8000-000000000000',
        audit_chain_seq: '1',
        user_name: 'bob',
      }),
      record({ user_name: 'Zoë 😀' }, { body: 'é' }),
      record({}, { body: '', severityNumber: '' }),
      // Longer than the encoder's first buffer, and lengths of many digits.
      record(
        { audit_changes: 'x'.repeat(70_000), user_name: '€'.repeat(5000) },
        { body: 'b'.repeat(12_345) }
      ),
    ];
    for (let i = 0; i < 300; i++) {
      const fields: Record<string, string> = {};
      for (const name of lokiNames) if (random(3) === 0) fields[name] = text(random(140));
      records.push(
        record(fields, { body: text(random(300)), prev: random(2) ? GENESIS_HASH : 'f'.repeat(64) })
      );
    }
    for (const encoder of encoders) {
      for (const r of records) {
        const expected = Buffer.from(canonicalRecord(r), 'utf8');
        expect(Buffer.from(encoder.encode(r)).equals(expected)).toBe(true);
      }
      // The known-answer vector of docs/integrity.md, through the byte encoder.
      const vector = encoder.encode(records[0]!);
      expect(createHash('sha256').update(vector).digest('hex')).toBe(
        'b9125abd2b9421113cb6cb16267698d1a31cb5966db00fb39dda2ea92aa3c08b'
      );
    }
  });

  it('writes a timestamp given as seconds and nanoseconds as the digits of its decimal string', () => {
    const byString = new CanonicalRecordEncoder();
    const byTime = new CanonicalRecordEncoder();
    for (const [seconds, nanos] of [
      [0, 0],
      [0, 7],
      [0, 999_999_999],
      [1, 0],
      [9, 999_999_999],
      [10, 5],
      [1_796_178_355, 123_456_789],
      [1_796_178_355, 1],
      [9_007_199_254, 740_991_000],
    ] as const) {
      const timestamp = seconds === 0 ? String(nanos) : `${seconds}${String(nanos).padStart(9, '0')}`;
      byString.start(GENESIS_HASH, timestamp, 'access', '9', 'body');
      byTime.startAt(GENESIS_HASH, seconds, nanos, 'access', '9', 'body');
      byString.field(3, 'x');
      byTime.field(3, 'x');
      expect(Buffer.from(byTime.encoded()).toString('latin1')).toBe(
        Buffer.from(byString.encoded()).toString('latin1')
      );
      expect(Buffer.from(byTime.encoded()).toString('latin1')).toContain(
        `,${timestamp.length}:${timestamp},`
      );
    }
  });

  it('refuses chained fields out of their order, which would encode another record', () => {
    const encoder = new CanonicalRecordEncoder();
    encoder.start(GENESIS_HASH, '1', 'access', '9', 'body');
    encoder.field(5, 'a');
    expect(() => encoder.field(5, 'b')).toThrow(RangeError);
    expect(() => encoder.field(2, 'b')).toThrow(RangeError);
    encoder.start(GENESIS_HASH, '1', 'access', '9', 'body');
    expect(() => encoder.field(2, 'b')).not.toThrow();
  });

  it('writes attribute values as Loki stores them', () => {
    expect(chainedValue('x')).toBe('x');
    expect(chainedValue(502)).toBe('502');
    expect(chainedValue(true)).toBe('true');
    expect(chainedValue(1.5)).toBeUndefined();
    expect(chainedValue(['a'])).toBeUndefined();
    expect(chainedValue(undefined)).toBeUndefined();
  });

  it('encodes every field of a checkpoint statement', () => {
    const statement = {
      logType: 'access',
      chainId: 'c1',
      seq: 12,
      hash: 'ab'.repeat(32),
      headTime: '100',
      time: '200',
      final: false,
      keyId: 'k1',
    };
    const base = canonicalCheckpoint(statement);
    expect(base.startsWith('23:auditlens-checkpoint-v1,6:access,2:c1,2:12,')).toBe(true);
    for (const change of [
      { seq: 13 },
      { final: true },
      { keyId: 'k2' },
      { time: '201' },
      { headTime: '101' },
      { chainId: 'c2' },
      { logType: 'activity' },
    ]) {
      expect(canonicalCheckpoint({ ...statement, ...change })).not.toBe(base);
    }
  });

  it('writes canonical JSON with sorted keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: null, y: 'é' }], c: true } })).toBe(
      '{"a":{"c":true,"d":[2,{"y":"é","z":null}]},"b":1}'
    );
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
    const value = { x: [1, 'two', { three: 3 }], y: { nested: { deep: 'ok' } } };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});
