// Attacks on the audit trail, end to end: @auditlens/emitter → (a proxy that can tamper) → Loki → verifyRange.
// Against a real Loki 3.7 when LOKI_BIN or LOKI_URL is set (the deletion through Loki's delete API needs one),
// else against the Loki double, which takes the same OTLP pushes.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import {
  announce,
  hasRealLoki,
  lokiForTests,
  startLoki,
  type LokiServer,
  type LokiTarget,
} from '@auditlens/testkit';
import { CHECKPOINT_LOG_TYPE, canonicalCheckpoint, type IntegrityReport } from '@auditlens/contract';
import { LokiDouble } from '@auditlens/loki/double';
import { HttpLokiClient } from '@auditlens/loki';
import {
  countEntries,
  deletionRequests,
  pushOtlpJson,
  requestDeletion,
  waitUntil,
} from '../support/loki-admin';
import {
  TamperingOtlpProxy,
  attributesOf,
  setAttribute,
  type OtlpRecord,
  type OtlpRequest,
} from '../support/tampering-otlp-proxy';
import { entryHash } from '@auditlens/integrity/fixture';
import { ANY_SERVICE, KeyRing } from '@auditlens/integrity';
import { verifyRange } from '../../src/integrity/verify-range';
import { openFollowingDatabase } from '../support/following-database';
import { FollowerStore } from '../../src/follower/follower-store';
import { Follower } from '../../src/follower/follower';
import { ProofStore } from '../../src/integrity/proof-store';
import { ProofKeeper } from '../../src/integrity/proof-keeper';
import { DeletionWatch } from '../../src/follower/deletion-watch';
import { listDeletionRequests } from '../../src/follower/deletion-requests';
import { ExportManifests } from '../../src/exports/export-manifests';
import { DirectoryExportFiles } from '../../src/exports/files/directory-export-files';
import type { StoredJob } from '../../src/exports/store/job-store';
import { buildLogQuery, readInParallel } from '@auditlens/loki';
import { LOKI_ADDED_METADATA } from '@auditlens/contract';
import { serviceSigningKey } from '@auditlens/integrity';
import { writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

jest.setTimeout(120_000);

const KEY_ID = 'helpdesk-2026';
const keys = generateKeyPairSync('ed25519');
// One key for the producers of every scenario (each has a service name of its own).
const ring = new KeyRing(new Map([[KEY_ID, { key: keys.publicKey, services: [ANY_SERVICE] }]]));
const privateKeyPem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let target: LokiTarget;
let fake: LokiDouble | undefined;
let lokiUrl: string;

beforeAll(async () => {
  target = await lokiForTests('integrity attacks');
  if (target.kind === 'real') lokiUrl = target.url;
  else {
    fake = await LokiDouble.start();
    lokiUrl = fake.url;
  }
});
afterAll(async () => {
  await fake?.stop();
  await target.release();
});

let services = 0;
/** A fresh service name per scenario, so that scenarios share one Loki without seeing each other. */
const serviceName = () => `attack-${Date.now()}-${++services}`;

/** What the producer process is asked to do (see test/support/producer-process.cjs). */
interface ProducerOrder {
  readonly count: number;
  /** The producer's checkpoint key; default KEY_ID's. */
  readonly keyId?: string;
  readonly privateKeyPem?: string;
  readonly crash?: boolean;
  readonly sameTimeFrom?: number;
  readonly sameTimeTo?: number;
}

/**
 * Runs a producer process that records `count` access events through `proxy`, flushing every 25 so that the
 * signed checkpoints (every 25 records) fall on seq 25, 50, 75, ...; it then shuts down (a final checkpoint),
 * or with `crash` is killed with SIGKILL once everything is delivered.
 */
async function runProducer(service: string, proxy: TamperingOtlpProxy, order: ProducerOrder): Promise<void> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'support', 'producer-process.cjs')], {
    env: {
      ...process.env,
      PRODUCER_CONFIG: JSON.stringify({
        serviceName: service,
        endpoint: proxy.endpoint,
        keyId: KEY_ID,
        privateKeyPem,
        every: 25,
        ...order,
      }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/^(flushed|done) /m.test(out)) resolve();
    });
    void exited.then((code) => reject(new Error(`producer exited (${code}) before it was done: ${out}`)));
  });
  const report = JSON.parse(out.slice(out.indexOf(' ') + 1)) as {
    stats: { exported: number };
    errors: string[];
  };
  expect(report.errors).toEqual([]);
  expect(report.stats.exported).toBe(order.count);
  if (order.crash) child.kill('SIGKILL');
  await exited;
}

/** Records `count` access events through a proxy (that may tamper) to Loki; returns the proxy and the range. */
async function produce(
  service: string,
  count: number,
  tamper?: (request: OtlpRequest) => void,
  order: Omit<ProducerOrder, 'count'> = {}
): Promise<{ proxy: TamperingOtlpProxy; from: Date; to: Date }> {
  const proxy = await TamperingOtlpProxy.start(lokiUrl);
  proxy.tamper = tamper;
  const from = new Date(Date.now() - 1000);
  await runProducer(service, proxy, { count, ...order });
  await proxy.stop();
  return { proxy, from, to: new Date(Date.now() + 1000) };
}

/** Minutes the follower's integrity consumer kept a proof of, in the last `verify`. */
let provedMinutes = 0;

/**
 * The report of the range from a full re-read, after checking that the report assembled from what the follower's
 * integrity consumer kept (a fresh follower, caught up over the range) is the same.
 */
async function verify(
  service: string,
  from: Date,
  to: Date,
  url = lokiUrl,
  keyRing = ring
): Promise<IntegrityReport> {
  const now = new Date();
  const loki = new HttpLokiClient({ url });
  const options = { serviceName: service, retry: { attempts: 2, baseDelayMs: 100 }, now: () => now };
  const full = await verifyRange(loki, keyRing, 'access', { from, to }, options);

  const dir = await mkdtemp(join(tmpdir(), 'attacks-kept-'));
  const db = await openFollowingDatabase(join(dir, 'jobs.sqlite'));
  try {
    const proofs = new ProofStore(db);
    const startMs = from.getTime() - 120_000;
    // Settled a minute ahead: every minute up to the current one is consumed, as if the range were old.
    const follower = new Follower(loki, new FollowerStore(db), {
      settleMs: -60_000,
      batchMinutes: 5,
      rereadMinutes: 0,
      startMs,
      retentionMs: 30 * 86_400_000,
      leaseMs: 30_000,
      pollMs: 1000,
      serviceName: service,
      logTypes: ['access'],
    });
    follower.register(new ProofKeeper(loki, keyRing, proofs, { serviceName: service }));
    while (await follower.round());
    const status = (await follower.status()).logTypes.access!;
    const kept = {
      store: proofs,
      fromMs: Number(status.keptFromNs / 1_000_000n),
      toMs: Number(status.caughtUpToNs / 1_000_000n),
    };
    provedMinutes = (await proofs.minutes('access', kept.fromMs, kept.toMs)).filter((m) => m.proof).length;
    const assembled = await verifyRange(loki, keyRing, 'access', { from, to }, { ...options, kept });
    expect(assembled).toEqual(full);
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
  return full;
}

/** Applies `change` to the record of seq `seq` of the access chain, where it passes. */
function atSeq(seq: number, change: (r: OtlpRecord) => void): (request: OtlpRequest) => void {
  return (request) => {
    for (const rl of request.resourceLogs)
      for (const sl of rl.scopeLogs)
        for (const r of sl.logRecords) {
          const a = attributesOf(r);
          if (a['audit.chain.seq'] === String(seq) && a['audit.checkpoint.log_type'] === undefined) change(r);
        }
  };
}

/**
 * Rewrites the access chain of `service` in transit from seq `first` on (seq `first` now says mallory logged in),
 * recomputing every later prev and hash as Loki will see them, and re-signs every checkpoint with `signer`.
 * Requests pass one after the other, in chain order, so the rewritten hashes are carried from one to the next.
 */
function rewriteFrom(
  first: number,
  service: string,
  signer: { readonly keyId: string; readonly privateKey: KeyObject }
): (request: OtlpRequest) => void {
  const rewritten = new Map<number, string>();
  return (request) => {
    for (const rl of request.resourceLogs) {
      const logType = rl.resource?.attributes?.find((a) => a.key === 'audit.log_type')?.value.stringValue;
      for (const sl of rl.scopeLogs)
        for (const r of sl.logRecords) {
          const a = attributesOf(r);
          const seq = Number(a['audit.chain.seq']);
          if (logType === 'access' && seq >= first) {
            if (seq === first) setAttribute(r, 'user.name', 'mallory');
            const prev = rewritten.get(seq - 1) ?? a['audit.chain.prev']!;
            setAttribute(r, 'audit.chain.prev', prev);
            const metadata = Object.fromEntries(
              Object.entries(attributesOf(r)).map(([k, v]) => [k.replace(/\./g, '_'), v])
            );
            const lokiView = {
              ts: BigInt(r.timeUnixNano!),
              line: r.body!.stringValue!,
              labels: { service_name: service, audit_log_type: 'access' },
              metadata: { ...metadata, severity_number: String(r.severityNumber) },
            };
            const hash = entryHash(lokiView, prev);
            setAttribute(r, 'audit.chain.hash', hash);
            rewritten.set(seq, hash);
          } else if (logType === CHECKPOINT_LOG_TYPE) {
            const statement = {
              logType: a['audit.checkpoint.log_type']!,
              chainId: a['audit.chain.id']!,
              seq,
              hash: rewritten.get(seq) ?? a['audit.chain.hash']!,
              headTime: a['audit.checkpoint.head_time']!,
              time: r.timeUnixNano!,
              final: a['audit.checkpoint.final'] === 'true',
              keyId: signer.keyId,
            };
            setAttribute(r, 'audit.chain.hash', statement.hash);
            setAttribute(r, 'audit.checkpoint.key_id', signer.keyId);
            setAttribute(
              r,
              'audit.checkpoint.signature',
              sign(null, Buffer.from(canonicalCheckpoint(statement)), signer.privateKey).toString('base64')
            );
          }
        }
    }
  };
}

describe('tamper evidence, end to end', () => {
  it('an untouched range verifies clean: every record chained, linked and signed', async () => {
    const service = serviceName();
    const { from, to } = await produce(service, 120);
    const report = await verify(service, from, to);
    // The assembled report (checked equal in verify) stood on kept proofs, not on a re-read.
    expect(provedMinutes).toBeGreaterThan(0);
    expect(report.problems).toEqual([]);
    expect(report.status).toBe('intact');
    expect(report.records).toEqual({
      total: 120,
      verified: 120,
      unsigned: 0,
      altered: 0,
      forged: 0,
      duplicates: 0,
      withoutChain: 0,
    });
    expect(report.chains).toBe(1);
    expect(report.checkpoints.valid).toBeGreaterThanOrEqual(5);
    expect(report.chainList[0]).toMatchObject({
      firstSeq: 1,
      lastSeq: 120,
      signedThrough: 120,
      closed: true,
    });
  });

  it('a range that starts inside a chain is tied to it through the last checkpoint before it', async () => {
    const service = serviceName();
    const { proxy, to } = await produce(service, 80);
    const records = proxy.bySeq('access');
    const middle = new Date(Number(BigInt(records.get(40)!.ts) / 1_000_000n) + 1);
    const report = await verify(service, middle, to);
    expect(report.status).toBe('intact');
    expect(report.records.total).toBe(
      [...records.values()].filter((r) => BigInt(r.ts) >= BigInt(middle.getTime()) * 1_000_000n).length
    );
    expect(report.chainList[0]).toMatchObject({ anchor: 'context', lastSeq: 80, signedThrough: 80 });
  });

  it('a record altered on the way (a compromised collector) is reported at its seq', async () => {
    const service = serviceName();
    const { proxy, from, to } = await produce(
      service,
      60,
      atSeq(12, (r) => setAttribute(r, 'user.name', 'nobody'))
    );
    const report = await verify(service, from, to);
    expect(report.status).toBe('problems');
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'altered',
        seq: 12,
        eventId: proxy.bySeq('access').get(12)!.attributes['audit.event_id'],
      }),
    ]);
    expect(report.records).toMatchObject({ total: 60, verified: 59, altered: 1 });
  });

  it('records whose timestamps were swapped are altered; reordering in transit or within one nanosecond is not', async () => {
    // Legitimately: every request's records reversed, and ten events sharing one nanosecond.
    const reversed = serviceName();
    const legit = await produce(
      reversed,
      40,
      (request) => {
        for (const rl of request.resourceLogs) for (const sl of rl.scopeLogs) sl.logRecords.reverse();
      },
      { sameTimeFrom: 10, sameTimeTo: 20 }
    );
    const shared = [...legit.proxy.bySeq('access').values()].filter(
      (r) => r.record.timeUnixNano === legit.proxy.bySeq('access').get(11)!.ts
    );
    expect(shared).toHaveLength(10);
    const clean = await verify(reversed, new Date(legit.from.getTime() - 2000), legit.to);
    expect(clean.problems).toEqual([]);
    expect(clean.records.verified).toBe(40);

    // An attacker swaps the times of two records to change what happened first.
    const service = serviceName();
    let t5 = '';
    let t6 = '';
    const { from, to } = await produce(service, 30, (request) => {
      for (const rl of request.resourceLogs)
        for (const sl of rl.scopeLogs)
          for (const r of sl.logRecords) {
            const seq = attributesOf(r)['audit.chain.seq'];
            if (seq === '5') t5 = r.timeUnixNano!;
            if (seq === '6') t6 = r.timeUnixNano!;
          }
      for (const rl of request.resourceLogs)
        for (const sl of rl.scopeLogs)
          for (const r of sl.logRecords) {
            const seq = attributesOf(r)['audit.chain.seq'];
            if (seq === '5' && t6) r.timeUnixNano = t6;
            else if (seq === '6' && t5) r.timeUnixNano = t5;
          }
    });
    const report = await verify(service, from, to);
    expect(report.problems.map((p) => [p.kind, p.seq]).sort()).toEqual([
      ['altered', 5],
      ['altered', 6],
    ]);
  });

  it('a forged record pushed with a valid-looking seq, prev and hash is told from the genuine one', async () => {
    const service = serviceName();
    const { proxy, from, to } = await produce(service, 60);
    const records = proxy.bySeq('access');
    const genuine = records.get(20)!;
    // The forger copies the genuine record, changes who logged in, keeps prev and recomputes the hash with
    // the published encoding: to Loki it looks like any other record of the chain.
    const forged: OtlpRecord = JSON.parse(JSON.stringify(genuine.record)) as OtlpRecord;
    forged.timeUnixNano = String(BigInt(genuine.ts) + 1n);
    setAttribute(forged, 'user.name', 'mallory');
    setAttribute(forged, 'audit.event_id', 'forged-event-0001');
    const a = attributesOf(forged);
    const lokiView = {
      ts: BigInt(forged.timeUnixNano),
      line: forged.body!.stringValue!,
      labels: { service_name: service, audit_log_type: 'access' },
      metadata: {
        ...Object.fromEntries(Object.entries(a).map(([k, v]) => [k.replace(/\./g, '_'), v])),
        severity_number: String(forged.severityNumber),
      },
    };
    setAttribute(forged, 'audit.chain.hash', entryHash(lokiView, a['audit.chain.prev']!));
    await pushOtlpJson(lokiUrl, {
      resourceLogs: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: service } },
              { key: 'audit.log_type', value: { stringValue: 'access' } },
            ],
          },
          scopeLogs: [{ scope: { name: '@auditlens/emitter' }, logRecords: [forged] }],
        },
      ],
    });
    const report = await verify(service, from, to);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'forged', seq: 20, eventId: 'forged-event-0001' }),
    ]);
    expect(report.records).toMatchObject({ total: 61, verified: 60, forged: 1 });
    expect(report.gaps.count).toBe(0);
  });

  it('a checkpoint with a wrong signature, and one signed by a stranger, are reported', async () => {
    const service = serviceName();
    const { from, to } = await produce(service, 60, (request) => {
      for (const rl of request.resourceLogs)
        for (const sl of rl.scopeLogs)
          for (const r of sl.logRecords) {
            const a = attributesOf(r);
            if (a['audit.checkpoint.log_type'] && a['audit.chain.seq'] === '25') {
              const signature = Buffer.from(a['audit.checkpoint.signature']!, 'base64');
              signature[0] = signature[0]! ^ 0xff;
              setAttribute(r, 'audit.checkpoint.signature', signature.toString('base64'));
            }
          }
    });
    let report = await verify(service, from, to);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'bad_signature', seq: 25 })]);
    // The later valid checkpoints still cover every record.
    expect(report.records.verified).toBe(60);

    // A checkpoint "signed" with a key of the attacker's, claiming the chain's head.
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const service2 = serviceName();
    const second = await produce(service2, 10);
    const head = second.proxy.bySeq('access').get(10)!;
    const time = String(BigInt(head.ts) + 5n);
    const statement = {
      logType: 'access',
      chainId: head.attributes['audit.chain.id']!,
      seq: 10,
      hash: head.attributes['audit.chain.hash']!,
      headTime: head.ts,
      time,
      final: false,
      keyId: 'attacker',
    };
    await pushOtlpJson(lokiUrl, {
      resourceLogs: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: service2 } },
              { key: 'audit.log_type', value: { stringValue: CHECKPOINT_LOG_TYPE } },
            ],
          },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: time,
                  body: { stringValue: 'checkpoint' },
                  attributes: [
                    ['audit.event_id', 'forged-checkpoint'],
                    ['audit.checkpoint.log_type', 'access'],
                    ['audit.chain.id', statement.chainId],
                    ['audit.chain.seq', '10'],
                    ['audit.chain.hash', statement.hash],
                    ['audit.checkpoint.head_time', statement.headTime],
                    ['audit.checkpoint.key_id', 'attacker'],
                    [
                      'audit.checkpoint.signature',
                      sign(null, Buffer.from(canonicalCheckpoint(statement)), stranger).toString('base64'),
                    ],
                  ].map(([key, value]) => ({ key: key!, value: { stringValue: value! } })),
                },
              ],
            },
          ],
        },
      ],
    });
    report = await verify(service2, second.from, second.to);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'unknown_key', seq: 10 })]);
  });

  it("a chain rewritten and signed with another producer's key, or the service's own, is reported", async () => {
    const [helpdesk, billing, victim1, victim2] = [
      serviceName(),
      serviceName(),
      serviceName(),
      serviceName(),
    ];
    const billingKeys = generateKeyPairSync('ed25519');
    const serviceKeys = generateKeyPairSync('ed25519');
    const SERVICE_KEY_ID = 'auditlens-export-0123456789abcdef';
    // The ring as the export service builds it: each producer's key bound to its service_name, the service's
    // own key to its own activity chains.
    const bound = new KeyRing(
      new Map([
        [KEY_ID, { key: keys.publicKey, services: [helpdesk, victim1, victim2] }],
        ['billing-2026', { key: billingKeys.publicKey, services: [billing] }],
        [
          SERVICE_KEY_ID,
          {
            key: serviceKeys.publicKey,
            services: ['auditlens-export-service'],
            logTypes: ['activity' as const],
          },
        ],
      ])
    );

    // Each producer's own chain, signed with its own key, is clean.
    const own = await produce(helpdesk, 40);
    const billingPem = billingKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const other = await produce(billing, 40, undefined, { keyId: 'billing-2026', privateKeyPem: billingPem });
    for (const [service, run] of [
      [helpdesk, own],
      [billing, other],
    ] as const) {
      const clean = await verify(service, run.from, run.to, lokiUrl, bound);
      expect(clean.problems).toEqual([]);
      expect(clean.status).toBe('intact');
      expect(clean.records.verified).toBe(40);
    }

    // A collector that holds billing's key (or the service's) rewrites helpdesk's chain from seq 12 on,
    // recomputing every hash, and re-signs every checkpoint with that key.
    for (const [victim, signer] of [
      [victim1, { keyId: 'billing-2026', privateKey: billingKeys.privateKey }],
      [victim2, { keyId: SERVICE_KEY_ID, privateKey: serviceKeys.privateKey }],
    ] as const) {
      const { proxy, from, to } = await produce(victim, 60, rewriteFrom(12, victim, signer));
      expect(proxy.bySeq('access').get(12)!.attributes['user.name']).toBe('mallory');
      const report = await verify(victim, from, to, lokiUrl, bound);
      expect(report.status).toBe('problems');
      expect(report.problems.length).toBeGreaterThanOrEqual(3);
      expect(new Set(report.problems.map((p) => p.kind))).toEqual(new Set(['unknown_key']));
      expect(report.problems[0]!.message).toContain(`signed by key ${signer.keyId}, which may sign only`);
      // Nothing the rewrite touched counts as verified; only seq 1-11 could have been, and no valid
      // checkpoint names them.
      expect(report.records).toMatchObject({ total: 60, verified: 0, unsigned: 60 });
      // Had the keys been bound to nothing (any key for any chain, as before), the rewrite verified as intact.
      const unbound = new KeyRing(
        new Map(bound.ids().map((id) => [id, { key: bound.get(id)!.key, services: [ANY_SERVICE] }]))
      );
      expect((await verify(victim, from, to, lokiUrl, unbound)).status).toBe('intact');
    }
  });

  it('a producer that crashed before its last checkpoint leaves an unsigned tail, reported as such', async () => {
    const service = serviceName();
    const { from, to } = await produce(service, 70, undefined, { crash: true });
    const report = await verify(service, from, to);
    expect(report.problems).toEqual([]);
    expect(report.status).toBe('unsigned');
    expect(report.records).toMatchObject({ total: 70, verified: 50, unsigned: 20 });
    expect(report.chainList[0]).toMatchObject({ signedThrough: 50, closed: false });
    expect(report.notes.join('\n')).toMatch(
      /20 records up to seq 70 are not covered by a signed checkpoint yet/
    );
  });
});

describe('one pass: the export read feeds its verification', () => {
  // A chain with a record altered on the way, so that the report has something to say.
  it('the manifest made from the export read (unfiltered) or from kept proofs (filtered) equals a separate verification', async () => {
    const service = serviceName();
    const { from, to } = await produce(
      service,
      60,
      atSeq(12, (r) => setAttribute(r, 'user.name', 'mallory'))
    );
    const loki = new HttpLokiClient({ url: lokiUrl });
    const now = new Date();
    const verification = { serviceName: service, retry: { attempts: 2, baseDelayMs: 100 } };
    const separate = await verifyRange(
      loki,
      ring,
      'access',
      { from, to },
      { ...verification, now: () => now }
    );
    expect(separate.problems.map((p) => p.kind)).toContain('altered');

    const dir = await mkdtemp(join(tmpdir(), 'one-pass-'));
    const db = await openFollowingDatabase(join(dir, 'jobs.sqlite'));
    try {
      // The follower keeps the whole minutes of the range; the partial minutes at its ends are the live edge.
      const proofs = new ProofStore(db);
      const follower = new Follower(loki, new FollowerStore(db), {
        settleMs: -60_000,
        batchMinutes: 5,
        rereadMinutes: 0,
        startMs: from.getTime() - 120_000,
        retentionMs: 30 * 86_400_000,
        leaseMs: 30_000,
        pollMs: 1000,
        serviceName: service,
        logTypes: ['access'],
      });
      follower.register(new ProofKeeper(loki, ring, proofs, { serviceName: service }));
      while (await follower.round());
      const status = (await follower.status()).logTypes.access!;
      const keptFor = () =>
        Promise.resolve({
          store: proofs,
          fromMs: Number(status.keptFromNs / 1_000_000n),
          toMs: Number(status.caughtUpToNs / 1_000_000n),
        });
      const files = new DirectoryExportFiles(dir);
      const file = join(dir, 'export.csv');
      await writeFile(file, 'rows\n');
      for (const [filters, kept] of [
        [{}, false],
        [{}, true],
        [{ user: 'bob' }, false],
        [{ user: 'bob' }, true],
      ] as const) {
        const manifests = new ExportManifests({
          loki,
          keys: ring,
          signingKey: serviceSigningKey(generateKeyPairSync('ed25519').privateKey),
          files,
          verification: kept ? { ...verification, keptFor } : verification,
          now: () => now,
        });
        const job = {
          id: `job-${Object.keys(filters).length}-${kept}`,
          logType: 'access',
          from: from.toISOString(),
          to: to.toISOString(),
          filters,
          format: 'csv',
          timezone: 'UTC',
          rows: 0,
          requester: { uid: 'u-jane', login: 'jane' },
          createdAt: now.toISOString(),
        } as unknown as StoredJob;
        const query = buildLogQuery('access', filters, { serviceName: service });
        const pass = await manifests.beginPass(job, query);
        expect(pass.fed).toBe(Object.keys(filters).length === 0);
        // As the export runner reads: in parallel windows, Loki's added fields dropped but the severity number.
        for await (const page of readInParallel(loki, {
          query,
          start: BigInt(from.getTime()) * 1_000_000n,
          end: BigInt(to.getTime()) * 1_000_000n,
          concurrency: 3,
          dropFields: LOKI_ADDED_METADATA.filter((f) => f !== 'severity_number'),
        }))
          pass.add(page.entries);
        await pass.finish();
        const manifest = await manifests.ensure(job, 'export.csv', file);
        expect(manifest.integrity).toEqual(separate);
      }
      await follower.stop();
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// Deletion needs Loki's delete API (the compactor, `retention_enabled` and `delete_request_store` as
// collector-config/loki.yaml has them; `deletion_mode` defaults to filter-and-delete), so a real Loki.
const realLokiOnly = hasRealLoki() && !process.env['LOKI_URL'] ? describe : describe.skip;
if (!hasRealLoki() || process.env['LOKI_URL'])
  announce(
    'integrity attacks: the deletion through Loki’s delete API needs LOKI_BIN (a Loki this test starts): skipped'
  );

realLokiOnly('a record deleted through Loki’s delete API', () => {
  let loki: LokiServer;
  beforeAll(async () => {
    // Its own Loki: queriers cache delete requests for 5 minutes once asked (deleteRequestsClient in
    // pkg/compactor/deletion), so the delete is made before this Loki answers any query. The compactor settings
    // are shortened so that the deletion is also applied to the stored chunks within the test.
    loki = await startLoki({
      overrides: {
        compactor: {
          compaction_interval: '5s',
          apply_retention_interval: '5s',
          delete_request_cancel_period: '1s',
        },
      },
    });
    announce(`integrity deletion: against a real Loki 3.7.6 at ${loki.url}`);
  });
  afterAll(async () => loki?.dispose());

  it('is reported as a gap with its seq and time span, before and after the compactor applies it', async () => {
    const service = serviceName();
    const proxy = await TamperingOtlpProxy.start(loki.url);
    const from = new Date(Date.now() - 1000);
    await runProducer(service, proxy, { count: 60 });
    await proxy.stop();
    const to = new Date(Date.now() + 1000);
    const records = proxy.bySeq('access');
    const victim = records.get(30)!;
    const eventId = victim.attributes['audit.event_id']!;
    const selector = `{service_name="${service}", audit_log_type="access"} | audit_event_id="${eventId}"`;

    // The delete API takes whole seconds and refuses an end in the future: wait until the victim's second is past.
    const victimMs = Number(BigInt(victim.ts) / 1_000_000n);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, victimMs + 1100 - Date.now())));
    await requestDeletion(
      loki.url,
      selector,
      Math.floor(from.getTime() / 1000),
      Math.floor(Date.now() / 1000)
    );
    expect((await deletionRequests(loki.url)).map((r) => r.query)).toContain(selector);
    const start = BigInt(from.getTime()) * 1_000_000n;
    const end = BigInt(to.getTime()) * 1_000_000n;
    // Queriers filter deleted entries as soon as they know the request (at once here, within 5 minutes on a
    // Loki that answered queries just before); the entry is still in the ingester's memory.
    await waitUntil(async () => (await countEntries(loki.url, selector, start, end)) === 0, 360_000, 2000);

    const expectGap = (report: IntegrityReport) => {
      expect(report.status).toBe('problems');
      expect(report.problems).toEqual([
        expect.objectContaining({
          kind: 'gap',
          seq: 30,
          toSeq: 30,
          timestamp: records.get(29)!.ts,
          until: records.get(31)!.ts,
        }),
      ]);
      expect(report.gaps).toEqual({ count: 1, missingRecords: 1 });
      // 1–25 signed by the checkpoint at 25; 31–60 by those after the gap; 26–29 only through the deleted record.
      expect(report.records).toMatchObject({ total: 59, verified: 55, unsigned: 4 });
    };
    expectGap(await verify(service, from, to, loki.url));

    // The compactor applies the request to stored chunks once its cancel period is over: flush the ingester,
    // wait until the request is processed, and verify again.
    await fetch(`${loki.url}/flush`, { method: 'POST' });
    await waitUntil(
      async () =>
        (await deletionRequests(loki.url)).some((r) => r.query === selector && r.status === 'processed'),
      240_000,
      3000
    );
    expect(await countEntries(loki.url, selector, start, end)).toBe(0);
    expectGap(await verify(service, from, to, loki.url));
  }, 660_000);

  it('deleted after its minute was kept: the follower sees the request, and the kept report stays the full re-read’s, before and after compaction', async () => {
    const service = serviceName();
    const proxy = await TamperingOtlpProxy.start(loki.url);
    const from = new Date(Date.now() - 1000);
    await runProducer(service, proxy, { count: 60 });
    await proxy.stop();
    const to = new Date(Date.now() + 1000);
    const records = proxy.bySeq('access');
    const victim = records.get(30)!;
    const selector = `{service_name="${service}", audit_log_type="access"} | audit_event_id="${victim.attributes['audit.event_id']!}"`;
    const client = new HttpLokiClient({ url: loki.url });

    const dir = await mkdtemp(join(tmpdir(), 'attacks-deleted-'));
    const db = await openFollowingDatabase(join(dir, 'jobs.sqlite'));
    try {
      const proofs = new ProofStore(db);
      const keeper = new ProofKeeper(client, ring, proofs, { serviceName: service });
      // Every querier applies a request within Loki's 5-minute cache; the test waits for that itself (below)
      // before the watch may prove the minutes again, so the watch is told not to wait on its own.
      const deletions = new DeletionWatch(db, () => listDeletionRequests(loki.url), {
        everyMs: 0,
        queryCacheMs: 0,
        logTypes: ['access'],
      });
      deletions.listen(keeper.deletionListener());
      const follower = new Follower(client, new FollowerStore(db), {
        settleMs: -60_000,
        batchMinutes: 5,
        rereadMinutes: 0,
        startMs: from.getTime() - 120_000,
        retentionMs: 30 * 86_400_000,
        leaseMs: 30_000,
        pollMs: 1000,
        serviceName: service,
        logTypes: ['access'],
        deletions,
        onError: (e) => {
          throw e;
        },
      });
      follower.register(keeper);
      const compare = async (): Promise<IntegrityReport> => {
        const now = new Date();
        const options = { serviceName: service, retry: { attempts: 2, baseDelayMs: 100 }, now: () => now };
        const full = await verifyRange(client, ring, 'access', { from, to }, options);
        const status = (await follower.status()).logTypes.access!;
        const kept = {
          store: proofs,
          fromMs: Number(status.keptFromNs / 1_000_000n),
          toMs: Number(status.caughtUpToNs / 1_000_000n),
        };
        expect(kept.toMs).toBeGreaterThanOrEqual(to.getTime());
        expect(await verifyRange(client, ring, 'access', { from, to }, { ...options, kept })).toEqual(full);
        return full;
      };
      const victimMinuteMs = Math.floor(Number(BigInt(victim.ts) / 1_000_000n) / 60_000) * 60_000;

      // 1. The follower keeps the range while every record is there: a proof of the victim's minute.
      while (await follower.round());
      expect(
        (await proofs.minutes('access', victimMinuteMs, victimMinuteMs + 60_000))[0]?.proof
      ).toBeDefined();
      expect((await compare()).status).toBe('intact');

      // 2. The record is deleted through the API; the follower's next round sees the request and marks the
      // minutes it covers to be read again.
      const victimMs = Number(BigInt(victim.ts) / 1_000_000n);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, victimMs + 1100 - Date.now())));
      await requestDeletion(
        loki.url,
        selector,
        Math.floor(from.getTime() / 1000),
        Math.floor(Date.now() / 1000)
      );
      await follower.round();
      const marked = await proofs.readAgain('access', victimMinuteMs, victimMinuteMs + 60_000);
      expect(marked).toHaveLength(1);
      expect(marked[0]!.fromMs).toBeLessThanOrEqual(victimMinuteMs);
      const start = BigInt(from.getTime()) * 1_000_000n;
      const end = BigInt(to.getTime()) * 1_000_000n;
      // This Loki answered queries before the request: its querier applies it within its 5-minute cache.
      await waitUntil(async () => (await countEntries(loki.url, selector, start, end)) === 0, 360_000, 2000);
      const expectGap = (report: IntegrityReport) => {
        expect(report.problems).toEqual([
          expect.objectContaining({ kind: 'gap', seq: 30, toSeq: 30, timestamp: records.get(29)!.ts }),
        ]);
        expect(report.records).toMatchObject({ total: 59, verified: 55, unsigned: 4 });
      };
      expectGap(await compare());

      // 3. Once the compactor processed the request, the follower proves the minutes again from Loki (which
      // has no longer the record) and clears the mark: the kept proof itself now shows the gap.
      await fetch(`${loki.url}/flush`, { method: 'POST' });
      await waitUntil(
        async () =>
          (await deletionRequests(loki.url)).some((r) => r.query === selector && r.status === 'processed'),
        240_000,
        3000
      );
      await follower.round();
      expect(await proofs.readAgain('access', victimMinuteMs, victimMinuteMs + 60_000)).toEqual([]);
      const reproved = await proofs.minutes('access', victimMinuteMs, victimMinuteMs + 60_000);
      expect(reproved[0]?.proof?.records).toBeLessThan(
        [...records.values()].filter(
          (r) => Math.floor(Number(BigInt(r.ts) / 1_000_000n) / 60_000) * 60_000 === victimMinuteMs
        ).length
      );
      expectGap(await compare());
      await follower.stop();
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
