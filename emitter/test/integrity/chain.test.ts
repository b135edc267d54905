import { generateKeyPairSync, hash, sign as ed25519Sign, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  CHECKPOINT_LOG_TYPE,
  GENESIS_HASH,
  INTEGRITY_FIELDS,
  canonicalCheckpoint,
  canonicalRecord,
} from '@auditlens/contract';
import {
  createAuditEmitter,
  LogTypeResourceExporter,
  type AuditEmitterError,
  type AuditEmitterOptions,
} from '../../src';
import { waitFor } from '@auditlens/testkit';
import { OtlpSink, type OtlpLogRecord } from '../support/otlp-sink';
import { mapLikeLoki, type LokiView } from '../support/loki-otlp-mapping';
import { accessEvent, activityEvent, webhookFailureEvent } from '../support/events';

/** An entry as a verifier gets it from Loki: the mapped view plus timestamp and severity_number. */
interface Entry extends LokiView {
  readonly ts: string;
}

function entriesOf(sink: OtlpSink): Entry[] {
  return sink.requests.flatMap((request) => {
    const views = mapLikeLoki(request);
    const records: OtlpLogRecord[] = request.resourceLogs.flatMap((rl) =>
      rl.scopeLogs.flatMap((sl) => sl.logRecords)
    );
    return views.map((view, i) => {
      const r = records[i]!;
      // Loki adds severity_number to structured metadata from the record's severity (fixtures/loki).
      const metadata = { ...view.metadata, severity_number: String(r.severityNumber ?? '') };
      return { ...view, metadata, ts: String(r.timeUnixNano) };
    });
  });
}

/** The chain hash recomputed from what Loki stores, as the export service's verifier does. */
function recomputed(e: Entry): string {
  const text = canonicalRecord({
    prev: e.metadata[INTEGRITY_FIELDS.prev]!,
    timestamp: e.ts,
    logType: e.labels['audit_log_type']!,
    severityNumber: e.metadata['severity_number']!,
    body: e.line,
    field: (lokiName) => e.metadata[lokiName],
  });
  return hash('sha256', text, 'hex');
}

function checkpointStatement(e: Entry) {
  return {
    logType: e.metadata[INTEGRITY_FIELDS.checkpointLogType]!,
    chainId: e.metadata[INTEGRITY_FIELDS.chainId]!,
    seq: Number(e.metadata[INTEGRITY_FIELDS.seq]),
    hash: e.metadata[INTEGRITY_FIELDS.hash]!,
    headTime: e.metadata[INTEGRITY_FIELDS.checkpointHeadTime]!,
    time: e.ts,
    final: e.metadata[INTEGRITY_FIELDS.checkpointFinal] === 'true',
    keyId: e.metadata[INTEGRITY_FIELDS.checkpointKeyId] ?? '',
  };
}

const isCheckpoint = (e: Entry) => e.labels['audit_log_type'] === CHECKPOINT_LOG_TYPE;

describe('hash chains and checkpoints', () => {
  let sink: OtlpSink;
  let dir: string;
  let keys: { privateKey: KeyObject; publicKey: KeyObject };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'auditlens-keys-'));
    keys = generateKeyPairSync('ed25519');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    sink = await OtlpSink.start();
  });
  afterEach(async () => {
    await sink.stop();
  });

  const emitter = (options: Partial<AuditEmitterOptions> = {}) =>
    createAuditEmitter({ serviceName: 'helpdesk', endpoint: sink.endpoint, ...options });

  it('links every record of a log type into one chain whose hashes recompute from what Loki stores', async () => {
    const audit = emitter();
    for (let i = 0; i < 30; i++) {
      audit.access(accessEvent({ user: { id: `u-${i}`, name: `user ${i}`, email: `u${i}@acme.test` } }));
      if (i % 3 === 0)
        audit.activity(activityEvent({ summary: `change ${i}`, changes: { after: { n: i } } }));
    }
    audit.webhookFailure(webhookFailureEvent());
    await audit.shutdown();

    const entries = entriesOf(sink).filter((e) => !isCheckpoint(e));
    expect(entries).toHaveLength(41);
    const byType = new Map<string, Entry[]>();
    for (const e of entries)
      byType.set(e.labels['audit_log_type']!, [...(byType.get(e.labels['audit_log_type']!) ?? []), e]);
    const chainIds = new Set<string>();
    for (const [, chain] of byType) {
      const ids = new Set(chain.map((e) => e.metadata[INTEGRITY_FIELDS.chainId]));
      expect(ids.size).toBe(1);
      chainIds.add([...ids][0]!);
      chain.sort(
        (a, b) => Number(a.metadata[INTEGRITY_FIELDS.seq]) - Number(b.metadata[INTEGRITY_FIELDS.seq])
      );
      expect(chain.map((e) => Number(e.metadata[INTEGRITY_FIELDS.seq]))).toEqual(chain.map((_, i) => i + 1));
      let prev = GENESIS_HASH;
      for (const e of chain) {
        expect(e.metadata[INTEGRITY_FIELDS.prev]).toBe(prev);
        expect(recomputed(e)).toBe(e.metadata[INTEGRITY_FIELDS.hash]);
        prev = e.metadata[INTEGRITY_FIELDS.hash]!;
      }
    }
    expect(chainIds.size).toBe(3);
    // Counters count audit events only, not checkpoints.
    expect(audit.stats()).toMatchObject({ recorded: 41, exported: 41, failed: 0, dropped: 0 });
  });

  it('writes a checkpoint every N records and a final one at shutdown, signed with the key file', async () => {
    const keyFile = join(dir, 'checkpoint-key.pem');
    writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const audit = emitter({
      integrity: {
        signingKey: { keyId: 'helpdesk-2026', privateKeyFile: keyFile },
        checkpointEveryRecords: 10,
      },
      maxExportBatchSize: 5,
      scheduledDelayMillis: 10,
    });
    for (let i = 0; i < 25; i++) audit.access(accessEvent());
    await audit.shutdown();

    const entries = entriesOf(sink);
    const records = entries.filter((e) => !isCheckpoint(e));
    const hashBySeq = new Map(
      records.map((e) => [Number(e.metadata[INTEGRITY_FIELDS.seq]), e.metadata[INTEGRITY_FIELDS.hash]])
    );
    const checkpoints = entries.filter(isCheckpoint).map(checkpointStatement);
    expect(checkpoints.map((c) => [c.seq, c.final])).toEqual([
      [10, false],
      [20, false],
      [25, true],
    ]);
    for (const entry of entries.filter(isCheckpoint)) {
      const statement = checkpointStatement(entry);
      expect(statement.logType).toBe('access');
      expect(statement.keyId).toBe('helpdesk-2026');
      expect(statement.hash).toBe(hashBySeq.get(statement.seq));
      const signature = Buffer.from(entry.metadata[INTEGRITY_FIELDS.checkpointSignature]!, 'base64');
      expect(verify(null, Buffer.from(canonicalCheckpoint(statement)), keys.publicKey, signature)).toBe(true);
      // The signature binds every field: the same signature does not fit another head.
      const moved = { ...statement, seq: statement.seq + 1 };
      expect(verify(null, Buffer.from(canonicalCheckpoint(moved)), keys.publicKey, signature)).toBe(false);
    }
  });

  it('writes a checkpoint T ms after the last one while the head moves, signed by a KMS-style callback', async () => {
    const signed: Uint8Array[] = [];
    const audit = emitter({
      integrity: {
        signingKey: {
          keyId: 'kms-1',
          sign: async (payload) => {
            signed.push(payload);
            await new Promise((r) => setTimeout(r, 5)); // a remote call
            return new Uint8Array(ed25519Sign(null, Buffer.from(payload), keys.privateKey));
          },
        },
        checkpointEveryMillis: 50,
      },
      scheduledDelayMillis: 10,
    });
    audit.access(accessEvent());
    await waitFor(() => sink.checkpoints().length >= 1, 'a checkpoint', 10_000);
    const first = entriesOf(sink).filter(isCheckpoint)[0]!;
    expect(checkpointStatement(first)).toMatchObject({ seq: 1, final: false, keyId: 'kms-1' });
    // Idle: no new head, no new checkpoint.
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.checkpoints()).toHaveLength(1);
    audit.access(accessEvent());
    await waitFor(() => sink.checkpoints().length >= 2, 'a second checkpoint', 10_000);
    await audit.shutdown();
    const statements = entriesOf(sink).filter(isCheckpoint).map(checkpointStatement);
    expect(statements.map((s) => [s.seq, s.final])).toEqual([
      [1, false],
      [2, false],
      [2, true],
    ]);
    expect(signed).toHaveLength(3);
    for (const entry of entriesOf(sink).filter(isCheckpoint)) {
      const signature = Buffer.from(entry.metadata[INTEGRITY_FIELDS.checkpointSignature]!, 'base64');
      expect(
        verify(null, Buffer.from(canonicalCheckpoint(checkpointStatement(entry))), keys.publicKey, signature)
      ).toBe(true);
    }
  });

  it('without a key, checkpoints are written unsigned; with integrity off, nothing is chained', async () => {
    const unsigned = emitter();
    unsigned.access(accessEvent());
    await unsigned.shutdown();
    const [checkpoint] = entriesOf(sink).filter(isCheckpoint);
    expect(checkpoint!.metadata[INTEGRITY_FIELDS.checkpointSignature]).toBeUndefined();
    expect(checkpoint!.metadata[INTEGRITY_FIELDS.checkpointKeyId]).toBeUndefined();

    const off = await OtlpSink.start();
    const plain = createAuditEmitter({ serviceName: 'helpdesk', endpoint: off.endpoint, integrity: false });
    plain.access(accessEvent());
    await plain.shutdown();
    expect(off.checkpoints()).toHaveLength(0);
    const [entry] = entriesOf(off);
    expect(Object.keys(entry!.metadata).filter((k) => k.startsWith('audit_chain'))).toEqual([]);
    await off.stop();
  });

  it('refuses a signing key that is missing, ambiguous or not Ed25519, at creation', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const create =
      (signingKey: NonNullable<Exclude<AuditEmitterOptions['integrity'], false>>['signingKey']) => () =>
        emitter({ integrity: { signingKey } });
    expect(create({ keyId: 'k' })).toThrow(/exactly one of privateKeyFile, privateKey or sign/);
    expect(create({ keyId: 'k', privateKey: keys.privateKey, sign: async () => new Uint8Array() })).toThrow(
      /exactly one/
    );
    expect(create({ keyId: 'k', privateKey: rsa })).toThrow(/must be an Ed25519 private key/);
    expect(create({ keyId: 'k', privateKeyFile: join(dir, 'missing.pem') })).toThrow(/cannot read/);
    expect(create({ keyId: 'bad id!', privateKey: keys.privateKey })).toThrow(/keyId/);
    expect(() => emitter({ integrity: { checkpointEveryRecords: 0 } })).toThrow(/checkpointEveryRecords/);
  });

  it('a record the full queue drops leaves a hole in the seqs that the chain links over', async () => {
    const audit = emitter({ maxQueueSize: 4, maxExportBatchSize: 2, scheduledDelayMillis: 10 });
    // Synchronously: the queue takes 4, the rest is dropped before anything leaves it.
    for (let i = 0; i < 24; i++) audit.access(accessEvent());
    const dropped = audit.stats().dropped;
    expect(dropped).toBeGreaterThan(0);
    await audit.flush();
    audit.access(accessEvent());
    await audit.shutdown();

    const delivered = entriesOf(sink)
      .filter((e) => !isCheckpoint(e))
      .sort((a, b) => Number(a.metadata[INTEGRITY_FIELDS.seq]) - Number(b.metadata[INTEGRITY_FIELDS.seq]));
    const seqs = delivered.map((e) => Number(e.metadata[INTEGRITY_FIELDS.seq]));
    expect(seqs).toHaveLength(25 - dropped);
    expect(seqs.at(-1)).toBe(25);
    expect(seqs.slice(1).some((s, i) => s !== seqs[i]! + 1)).toBe(true);
    // Across the hole, prev is still the hash of the record delivered before it: dropped, not deleted.
    for (let i = 1; i < delivered.length; i++) {
      expect(delivered[i]!.metadata[INTEGRITY_FIELDS.prev]).toBe(
        delivered[i - 1]!.metadata[INTEGRITY_FIELDS.hash]
      );
    }
  });

  it("chains on the call with a service's own provider, and emits checkpoints through it", async () => {
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'helpdesk-api' }),
      processors: [
        new BatchLogRecordProcessor({
          exporter: new LogTypeResourceExporter(new OTLPLogExporter({ url: `${sink.endpoint}/v1/logs` })),
        }),
      ],
    });
    const audit = createAuditEmitter({
      loggerProvider: provider,
      integrity: { signingKey: { keyId: 'svc', privateKey: keys.privateKey }, checkpointEveryRecords: 3 },
    });
    for (let i = 0; i < 4; i++) audit.access(accessEvent());
    await audit.shutdown();
    await provider.shutdown();

    const entries = entriesOf(sink);
    const records = entries.filter((e) => !isCheckpoint(e));
    expect(records.map((e) => Number(e.metadata[INTEGRITY_FIELDS.seq]))).toEqual([1, 2, 3, 4]);
    for (const e of records) expect(recomputed(e)).toBe(e.metadata[INTEGRITY_FIELDS.hash]);
    const checkpoints = entries.filter(isCheckpoint).map(checkpointStatement);
    expect(checkpoints.map((c) => [c.seq, c.final])).toEqual([
      [3, false],
      [4, true],
    ]);
  });

  it('reports a checkpoint that cannot be signed to onError, from both pipelines, and still delivers the records', async () => {
    const failingKey = {
      keyId: 'kms-down',
      sign: () => Promise.reject(new Error('the KMS is unreachable')),
    };
    const own: AuditEmitterError[] = [];
    const ownPipeline = emitter({
      integrity: { signingKey: failingKey, checkpointEveryRecords: 2 },
      onError: (e) => own.push(e),
    });
    for (let i = 0; i < 2; i++) ownPipeline.access(accessEvent());
    await ownPipeline.shutdown();

    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'helpdesk-api' }),
      processors: [
        new BatchLogRecordProcessor({
          exporter: new LogTypeResourceExporter(new OTLPLogExporter({ url: `${sink.endpoint}/v1/logs` })),
        }),
      ],
    });
    const service: AuditEmitterError[] = [];
    const servicePipeline = createAuditEmitter({
      loggerProvider: provider,
      integrity: { signingKey: failingKey, checkpointEveryRecords: 2 },
      onError: (e) => service.push(e),
    });
    for (let i = 0; i < 2; i++) servicePipeline.access(accessEvent());
    await servicePipeline.shutdown();
    await provider.shutdown();

    // One failure for the checkpoint after 2 records, one for the final checkpoint, from each pipeline.
    for (const reported of [own, service]) {
      expect(reported.map((e) => [e.kind, e.message])).toEqual([
        ['export', 'could not write the integrity checkpoint of the access chain'],
        ['export', 'could not write the integrity checkpoint of the access chain'],
      ]);
      expect((reported[0]!.cause as Error).message).toBe('the KMS is unreachable');
    }
    expect(sink.checkpoints()).toHaveLength(0);
    const records = entriesOf(sink);
    expect(records).toHaveLength(4);
    for (const e of records) expect(recomputed(e)).toBe(e.metadata[INTEGRITY_FIELDS.hash]);
  });
});
