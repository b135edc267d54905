import { generateKeyPairSync } from 'node:crypto';
import { INTEGRITY_FIELDS, type IntegrityReport } from '@auditlens/contract';
import type { LokiEntry } from '../loki/types';
import { buildChain, checkpointEntry, rehash, type FixtureKey } from '../../test/support/chain-fixture';
import { parseChainEntry, type ChainEntry } from './chain-entry';
import { ChainVerifier } from './chain-verifier';
import { KeyRing } from './key-ring';

const T0 = 1_796_000_000_000_000_000n;
const MS = 1_000_000n;
const pair = generateKeyPairSync('ed25519');
const key: FixtureKey = { keyId: 'helpdesk-2026', privateKey: pair.privateKey };
const ring = new KeyRing(new Map([['helpdesk-2026', { key: pair.publicKey, services: ['helpdesk'] }]]));

/** Feeds checkpoints, then records, then duplicates read again from `all`, and reports [start, end). */
async function verify(
  records: readonly LokiEntry[],
  checkpoints: readonly LokiEntry[],
  range: { start?: bigint; end?: bigint } = {},
  keys: KeyRing = ring
): Promise<IntegrityReport> {
  const start = range.start ?? T0 - 1000n * MS;
  const end = range.end ?? T0 + 1000_000n * MS;
  const v = new ChainVerifier(keys, start, end);
  for (const c of checkpoints) v.addCheckpointEntry(c);
  for (const r of records) v.addRecordEntry(r, r.ts >= start && r.ts < end);
  await v.resolveDuplicates(async (chainId, seqs) =>
    records
      .map(parseChainEntry)
      .flatMap((p) => (p.kind === 'chained' ? [p.entry] : []))
      .filter((e: ChainEntry) => e.chainId === chainId && seqs.includes(e.seq))
  );
  return v.report('access', new Date(Number(start / MS)), new Date(Number(end / MS)), new Date());
}

const seqOf = (e: LokiEntry) => Number(e.metadata[INTEGRITY_FIELDS.seq]);

describe('ChainVerifier', () => {
  it('verifies an untouched chain, signed by its checkpoints, as intact', async () => {
    const { records, checkpoints } = buildChain({
      chainId: 'c1',
      count: 250,
      startTs: T0,
      checkpointEvery: 100,
      key,
    });
    const report = await verify(records, checkpoints);
    expect(report.status).toBe('intact');
    expect(report.records).toEqual({
      total: 250,
      verified: 250,
      unsigned: 0,
      altered: 0,
      forged: 0,
      duplicates: 0,
      withoutChain: 0,
    });
    expect(report.checkpoints).toMatchObject({ total: 3, valid: 3 });
    expect(report.chainList).toEqual([
      expect.objectContaining({
        id: 'c1',
        firstSeq: 1,
        lastSeq: 250,
        signedThrough: 250,
        closed: true,
        anchor: 'genesis',
      }),
    ]);
    expect(report.problems).toEqual([]);
  });

  it('does not care in which order records arrive, nor that several share a nanosecond', async () => {
    const { records, checkpoints } = buildChain({ chainId: 'c1', count: 60, startTs: T0, stepNs: 0n, key });
    const shuffled = [...records].sort((a, b) => ((seqOf(a) * 7919) % 61) - ((seqOf(b) * 7919) % 61));
    expect(shuffled.map(seqOf)).not.toEqual(records.map(seqOf));
    const report = await verify(shuffled, checkpoints);
    expect(report.status).toBe('intact');
    expect(report.records.verified).toBe(60);
  });

  it('reports deleted records as a gap with their seqs and the time span around them', async () => {
    const { records, checkpoints } = buildChain({
      chainId: 'c1',
      count: 100,
      startTs: T0,
      checkpointEvery: 50,
      key,
    });
    const kept = records.filter((r) => ![41, 42, 43].includes(seqOf(r)));
    const report = await verify(kept, checkpoints);
    expect(report.status).toBe('problems');
    expect(report.gaps).toEqual({ count: 1, missingRecords: 3 });
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'gap',
        chainId: 'c1',
        seq: 41,
        toSeq: 43,
        timestamp: String(records[39]!.ts),
        until: String(records[43]!.ts),
      }),
    ]);
    // The checkpoints cover 44..100; 1..40 are tied to them only through the missing records.
    expect(report.records.verified).toBe(57);
    expect(report.records.unsigned).toBe(40);
  });

  it('tells records the producer dropped (the chain links over them) from deleted ones', async () => {
    const { records } = buildChain({ chainId: 'c1', count: 20, startTs: T0, key });
    // Re-chain the records after 8 over the hole, as the emitter does when its queue drops seq 9.
    const before = records.slice(0, 8);
    const after = buildChain({
      chainId: 'c1',
      count: 11,
      firstSeq: 10,
      firstPrev: records[7]!.metadata[INTEGRITY_FIELDS.hash],
      startTs: records[9]!.ts,
      key,
    });
    const report = await verify([...before, ...after.records], after.checkpoints);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'dropped', seq: 9, toSeq: 9 })]);
    expect(report.records.verified).toBe(19);
  });

  it('reports an altered record, and a rewrite that recomputed its hash as a broken link', async () => {
    const { records, checkpoints } = buildChain({ chainId: 'c1', count: 30, startTs: T0, key });
    const altered = records.map((r) =>
      seqOf(r) === 12 ? { ...r, metadata: { ...r.metadata, user_name: 'someone else' } } : r
    );
    let report = await verify(altered, checkpoints);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'altered', seq: 12, eventId: 'c1-e12' }),
    ]);
    expect(report.records).toMatchObject({ verified: 29, altered: 1 });

    const rewritten = records.map((r) => (seqOf(r) === 12 ? rehash(r, { line: 'nothing happened' }) : r));
    report = await verify(rewritten, checkpoints);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'broken_link', seq: 13 })]);
    expect(report.records.verified).toBe(30 - 12);
  });

  it('reports records whose timestamps were swapped (reordered) as altered', async () => {
    const { records, checkpoints } = buildChain({ chainId: 'c1', count: 10, startTs: T0, key });
    const swapped = records.map((r) =>
      seqOf(r) === 4 ? { ...r, ts: records[4]!.ts } : seqOf(r) === 5 ? { ...r, ts: records[3]!.ts } : r
    );
    const report = await verify(swapped, checkpoints);
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['altered', 5],
      ['altered', 4],
    ]);
  });

  it('finds a forged record that claims a taken seq with a valid-looking prev and hash', async () => {
    const { records, checkpoints } = buildChain({ chainId: 'c1', count: 30, startTs: T0, key });
    const genuine = records[19]!;
    const forged = rehash(genuine, {
      ts: genuine.ts - 1n, // read first, so the links are first made with it
      metadata: { audit_event_id: 'forged-1', user_name: 'mallory' },
    });
    const report = await verify(
      [...records, forged].sort((a, b) => (a.ts < b.ts ? -1 : 1)),
      checkpoints
    );
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'forged', seq: 20, eventId: 'forged-1' }),
    ]);
    expect(report.records).toMatchObject({ total: 31, verified: 30, forged: 1 });
    expect(report.gaps.count).toBe(0);
  });

  it('calls two versions of the head a conflict when nothing after them decides', async () => {
    const { records } = buildChain({ chainId: 'c1', count: 10, startTs: T0, checkpoints: false });
    const forged = rehash(records[9]!, { metadata: { audit_event_id: 'forged-head', user_name: 'x' } });
    const report = await verify([...records, forged], []);
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['conflict', 10],
      ['conflict', 10],
    ]);
  });

  it('counts an identical copy (delivered twice) as a harmless duplicate', async () => {
    const { records, checkpoints } = buildChain({ chainId: 'c1', count: 10, startTs: T0, key });
    const report = await verify([...records, records[4]!], checkpoints);
    expect(report.status).toBe('intact');
    expect(report.records).toMatchObject({ total: 11, verified: 10, duplicates: 1 });
  });

  it('reports a checkpoint whose signature does not verify, and one signed by an unknown key', async () => {
    const { records, checkpoints } = buildChain({ chainId: 'c1', count: 20, startTs: T0, key, final: false });
    const bad = checkpoints.map((c) => ({
      ...c,
      metadata: {
        ...c.metadata,
        [INTEGRITY_FIELDS.checkpointSignature]: flipByte(c.metadata[INTEGRITY_FIELDS.checkpointSignature]!),
      },
    }));
    let report = await verify(records, bad);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'bad_signature', seq: 20 })]);
    expect(report.records).toMatchObject({ verified: 0, unsigned: 20 });
    expect(report.checkpoints).toMatchObject({ total: 1, invalid: 1 });

    const stranger = generateKeyPairSync('ed25519').privateKey;
    const foreign = [
      checkpointEntry(records[19]!, 'access', records[19]!.ts + 1n, {
        key: { keyId: 'other', privateKey: stranger },
      }),
    ];
    report = await verify(records, foreign);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'unknown_key' })]);
  });

  it('reports a validly signed checkpoint that names another hash: the records up to it were rewritten', async () => {
    const { records, checkpoints } = buildChain({
      chainId: 'c1',
      count: 20,
      startTs: T0,
      key,
      checkpointEvery: 10,
    });
    // Rewrite 1..10 consistently (every hash recomputed): only the signed checkpoint at 10 notices.
    const rewritten: LokiEntry[] = [];
    let prev = records[0]!.metadata[INTEGRITY_FIELDS.prev]!;
    for (const r of records) {
      const changed =
        seqOf(r) <= 10
          ? rehash(r, { metadata: { [INTEGRITY_FIELDS.prev]: prev, user_name: 'rewritten' } })
          : r;
      rewritten.push(changed);
      prev = changed.metadata[INTEGRITY_FIELDS.hash]!;
    }
    const report = await verify(rewritten, checkpoints);
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['checkpoint_mismatch', 10],
      ['broken_link', 11],
    ]);
  });

  it('a producer that crashed before its last checkpoint: its tail is unsigned, not a problem', async () => {
    const { records, checkpoints } = buildChain({
      chainId: 'c1',
      count: 120,
      startTs: T0,
      key,
      checkpointEvery: 50,
    });
    const report = await verify(records, checkpoints.slice(0, 2)); // the checkpoint after 120 never came
    expect(report.status).toBe('unsigned');
    expect(report.records).toMatchObject({ verified: 100, unsigned: 20 });
    expect(report.chainList[0]).toMatchObject({ signedThrough: 100, closed: false });
    expect(report.notes.join('\n')).toMatch(
      /20 records up to seq 120 are not covered by a signed checkpoint yet/
    );
  });

  it('reports records after a final checkpoint as forged, and records cut off the end of a chain', async () => {
    const { records, checkpoints } = buildChain({ chainId: 'c1', count: 10, startTs: T0, key });
    const appended = buildChain({
      chainId: 'c1',
      count: 1,
      firstSeq: 11,
      firstPrev: records[9]!.metadata[INTEGRITY_FIELDS.hash],
      startTs: records[9]!.ts + 5n * MS,
      checkpoints: false,
    }).records;
    let report = await verify([...records, ...appended], checkpoints);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'forged', seq: 11 })]);

    report = await verify(records.slice(0, 7), checkpoints);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'gap', seq: 8, toSeq: 10 })]);
  });

  it('counts records of other producers as without chain, and a broken chain field as altered', async () => {
    const { records, checkpoints } = buildChain({ chainId: 'c1', count: 5, startTs: T0, key });
    const plain: LokiEntry = {
      ts: T0 + 1n,
      line: 'legacy',
      labels: records[0]!.labels,
      metadata: { audit_event_id: 'x' },
    };
    const broken = { ...records[2]!, metadata: { ...records[2]!.metadata, [INTEGRITY_FIELDS.seq]: 'three' } };
    const report = await verify(
      [records[0]!, records[1]!, broken, records[3]!, records[4]!, plain],
      checkpoints
    );
    expect(report.records).toMatchObject({ total: 6, withoutChain: 1, altered: 1 });
    expect(report.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['altered', 'gap']));
  });

  it('verifies only the range asked, tied to the records read around it', async () => {
    const { records, checkpoints } = buildChain({
      chainId: 'c1',
      count: 100,
      startTs: T0,
      key,
      checkpointEvery: 25,
    });
    const start = records[40]!.ts;
    const end = records[70]!.ts;
    const report = await verify(records, checkpoints, { start, end });
    expect(report.status).toBe('intact');
    expect(report.records.total).toBe(30);
    expect(report.records.verified).toBe(30);
    expect(report.chainList[0]).toMatchObject({ firstSeq: 41, lastSeq: 70, anchor: 'context' });
    // A deletion just before the range does not count against it; one inside does.
    const withoutBefore = records.filter((r) => seqOf(r) !== 38);
    expect((await verify(withoutBefore, checkpoints, { start, end })).problems).toEqual([]);
    const withoutFirst = records.filter((r) => seqOf(r) !== 41);
    expect((await verify(withoutFirst, checkpoints, { start, end })).problems).toEqual([
      expect.objectContaining({ kind: 'gap', seq: 41 }),
    ]);
  });
});

describe('ChainVerifier with keys bound to their producers', () => {
  // helpdesk's key, billing's key, and the export service's own key, each bound as the configuration binds them.
  const billing = generateKeyPairSync('ed25519');
  const service = generateKeyPairSync('ed25519');
  const billingKey: FixtureKey = { keyId: 'billing-2026', privateKey: billing.privateKey };
  const serviceKey: FixtureKey = {
    keyId: 'auditlens-export-0123456789abcdef',
    privateKey: service.privateKey,
  };
  const bound = new KeyRing(
    new Map([
      ['helpdesk-2026', { key: pair.publicKey, services: ['helpdesk'] }],
      ['billing-2026', { key: billing.publicKey, services: ['billing'] }],
      [
        serviceKey.keyId,
        { key: service.publicKey, services: ['auditlens-export-service'], logTypes: ['activity' as const] },
      ],
    ])
  );

  it("verifies each producer's chain signed by its own key", async () => {
    const helpdesk = buildChain({ chainId: 'h1', count: 30, startTs: T0, key, checkpointEvery: 10 });
    const other = buildChain({
      chainId: 'b1',
      count: 30,
      startTs: T0 + 1n,
      key: billingKey,
      serviceName: 'billing',
    });
    const own = buildChain({
      chainId: 's1',
      count: 5,
      startTs: T0 + 2n,
      key: serviceKey,
      serviceName: 'auditlens-export-service',
      logType: 'activity',
    });
    const report = await verify(
      [...helpdesk.records, ...other.records],
      [...helpdesk.checkpoints, ...other.checkpoints],
      {},
      bound
    );
    expect(report.problems).toEqual([]);
    expect(report.status).toBe('intact');
    expect(report.records.verified).toBe(60);
    const ownReport = await verify(own.records, own.checkpoints, {}, bound);
    expect(ownReport.status).toBe('intact');
    expect(ownReport.records.verified).toBe(5);
  });

  it("reports a producer's chain rewritten and signed with another producer's key as unknown_key", async () => {
    // What whoever holds billing's key and can write to Loki makes of helpdesk's chain: every record
    // rewritten with its hash recomputed, helpdesk's checkpoints deleted, new ones signed by billing's key.
    const rewritten = buildChain({
      chainId: 'h1',
      count: 30,
      startTs: T0,
      key: billingKey,
      serviceName: 'helpdesk',
      checkpointEvery: 10,
    });
    const report = await verify(rewritten.records, rewritten.checkpoints, {}, bound);
    expect(report.status).toBe('problems');
    expect(report.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['unknown_key', 10],
      ['unknown_key', 20],
      ['unknown_key', 30],
    ]);
    expect(report.problems[0]!.message).toBe(
      'a checkpoint of chain h1 at seq 10 (service helpdesk, log type access) is signed by key billing-2026, ' +
        "which may sign only service billing, any log type: another producer's key"
    );
    expect(report.records).toMatchObject({ total: 30, verified: 0, unsigned: 30 });
    expect(report.checkpoints).toMatchObject({ total: 3, valid: 0, unknownKey: 3 });
  });

  it("does not let a checkpoint filed under its signer's name vouch for another producer's records", async () => {
    // The same rewrite, its checkpoints pushed as billing's (where billing's key is at home).
    const rewritten = buildChain({ chainId: 'h1', count: 30, startTs: T0, checkpoints: false });
    const head = rewritten.records[29]!;
    const checkpoint = checkpointEntry(head, 'access', head.ts + 1n, {
      key: billingKey,
      final: true,
      serviceName: 'billing',
    });
    const report = await verify(rewritten.records, [checkpoint], {}, bound);
    expect(report.records).toMatchObject({ total: 30, verified: 0, unsigned: 30 });
    // Billing's checkpoint names records of its own chain h1 that are nowhere.
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'missing_records', chainId: 'h1', seq: 1, toSeq: 30 }),
    ]);
  });

  it("reports the service's own key signing a producer's chain, or another log type of its own", async () => {
    const producers = buildChain({ chainId: 'h1', count: 20, startTs: T0, key: serviceKey });
    let report = await verify(producers.records, producers.checkpoints, {}, bound);
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'unknown_key',
        seq: 20,
        message: expect.stringContaining(
          'may sign only service auditlens-export-service, log type activity'
        ) as unknown,
      }),
    ]);
    expect(report.records.verified).toBe(0);

    const ownAccess = buildChain({
      chainId: 's1',
      count: 20,
      startTs: T0,
      key: serviceKey,
      serviceName: 'auditlens-export-service',
    });
    report = await verify(ownAccess.records, ownAccess.checkpoints, {}, bound);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'unknown_key', seq: 20 })]);
    expect(report.records.verified).toBe(0);
  });
});

function flipByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[5] = bytes[5]! ^ 0x01;
  return bytes.toString('base64');
}
