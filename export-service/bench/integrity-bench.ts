// Integrity benchmark: verifying a range beside reading and exporting the same range, side by side in one run.
// Seeds a real Loki 3.7 (LOKI_BIN; else the Loki double, in this process) with one signed chain of
// BENCH_INTEGRITY_EVENTS access records (default 200,000; BENCH_SHORT=1: 20,000) through Loki's push API, then
// alternates, ROUNDS times: a plain read of every entry (the export's pager), a CSV export, and verifyRange.
// Prints records/s and CPU of each; asserts nothing.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTEGRITY_FIELDS, GENESIS_HASH } from '@auditlens/contract';
import { startLoki, type LokiServer } from '@auditlens/testkit';
import { createCsvWriter } from '../src/exports/writers/csv-writer';
import { KeyRing } from '@auditlens/integrity';
import { verifyRange } from '../src/integrity/verify-range';
import { LokiDouble } from '@auditlens/loki/double';
import { HttpLokiClient } from '@auditlens/loki';
import { readAllEntries } from '@auditlens/loki';
import { spawnSync } from 'node:child_process';
import { FOLLOWER_MIGRATIONS } from '../src/follower/follower-migrations';
import { INTEGRITY_PROOF_MIGRATIONS } from '../src/integrity/proof-migrations';
import { openDatabase } from '../src/store/database';
import { FollowerStore } from '../src/follower/follower-store';
import { Follower } from '../src/follower/follower';
import { ProofStore } from '../src/integrity/proof-store';
import { ProofKeeper } from '../src/integrity/proof-keeper';
import type { LokiEntry } from '@auditlens/loki';
import { checkpointEntry, entryHash, type FixtureKey } from '@auditlens/integrity/fixture';

const SHORT = process.env['BENCH_SHORT'] === '1';
const EVENTS = Number(process.env['BENCH_INTEGRITY_EVENTS'] ?? (SHORT ? 20_000 : 200_000));
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const BATCH = 5000;
const SERVICE = 'bench';
const MS = 1_000_000n;

const pair = generateKeyPairSync('ed25519');
const key: FixtureKey = { keyId: 'bench', privateKey: pair.privateKey };
const ring = new KeyRing(new Map([['bench', { key: pair.publicKey, services: [SERVICE] }]]));

/** The chain, in batches, as Loki stores it: a signed checkpoint every 1000 records and a final one. */
function* chainBatches(
  start: bigint,
  step: bigint
): Generator<{ records: LokiEntry[]; checkpoints: LokiEntry[] }> {
  let prev = GENESIS_HASH;
  const labels = { service_name: SERVICE, audit_log_type: 'access' };
  for (let from = 0; from < EVENTS; from += BATCH) {
    const records: LokiEntry[] = [];
    const checkpoints: LokiEntry[] = [];
    for (let i = from; i < Math.min(EVENTS, from + BATCH); i++) {
      const seq = i + 1;
      const base: LokiEntry = {
        ts: start + BigInt(i) * step,
        line: `user ${seq % 97} logged in to the agent portal (form)`,
        labels,
        metadata: {
          audit_event_id: `0190c2a8-7f3e-7a00-8000-${String(seq).padStart(12, '0')}`,
          audit_action: seq % 7 === 0 ? 'login_failed' : 'login',
          audit_outcome: seq % 7 === 0 ? 'failure' : 'success',
          audit_brand: 'Acme',
          audit_portal: 'agent',
          audit_login_source: 'form',
          user_id: `u-${seq % 97}`,
          user_name: `user ${seq % 97}`,
          user_email: `user${seq % 97}@acme.test`,
          client_address: `203.0.113.${seq % 250}`,
          user_agent_original: 'Mozilla/5.0 (X11; Linux x86_64)',
          severity_number: '9',
          [INTEGRITY_FIELDS.chainId]: 'bench-chain',
          [INTEGRITY_FIELDS.seq]: String(seq),
          [INTEGRITY_FIELDS.prev]: prev,
        },
      };
      prev = entryHash(base, prev);
      const entry = { ...base, metadata: { ...base.metadata, [INTEGRITY_FIELDS.hash]: prev } };
      records.push(entry);
      if (seq % 1000 === 0 || seq === EVENTS)
        checkpoints.push(
          checkpointEntry(entry, 'access', entry.ts + 1n, {
            key,
            final: seq === EVENTS,
            serviceName: SERVICE,
          })
        );
    }
    yield { records, checkpoints };
  }
}

/** Pushes entries through Loki's push API (JSON, structured metadata as the third element). */
async function push(url: string, entries: readonly LokiEntry[]): Promise<void> {
  const streams = new Map<string, { stream: Record<string, string>; values: unknown[] }>();
  for (const e of entries) {
    const id = JSON.stringify(e.labels);
    const s = streams.get(id) ?? { stream: e.labels as Record<string, string>, values: [] };
    // severity_number, which Loki's OTLP endpoint adds, goes in as structured metadata like the rest.
    s.values.push([String(e.ts), e.line, e.metadata]);
    streams.set(id, s);
  }
  const answer = await fetch(`${url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ streams: [...streams.values()] }),
  });
  if (answer.status >= 300) throw new Error(`push refused: ${answer.status} ${await answer.text()}`);
}

interface Result {
  readonly records: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
}

async function timed(run: () => Promise<number>): Promise<Result> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const records = await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { records, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

async function main(): Promise<void> {
  let loki: LokiServer | undefined;
  let fake: LokiDouble | undefined;
  let url: string;
  if (process.env['LOKI_BIN']) {
    loki = await startLoki();
    url = loki.url;
  } else {
    fake = await LokiDouble.start();
    url = fake.url;
  }
  const where = loki
    ? 'a real Loki 3.7.6 (LOKI_BIN), another process'
    : 'the Loki double in this process (no LOKI_BIN)';
  console.log(
    `integrity benchmark: ${EVENTS.toLocaleString('en')} chained access records in ${where}; ${ROUNDS} rounds`
  );

  // Real Loki serves what its ingesters hold for the last 3 hours: spread the records over the last 30 minutes.
  const end = BigInt(Date.now()) * MS;
  const start = end - 1_800_000n * MS;
  const step = (end - start) / BigInt(EVENTS + 1);
  const seeding = Date.now();
  let checkpointCount = 0;
  for (const batch of chainBatches(start, step)) {
    checkpointCount += batch.checkpoints.length;
    if (fake)
      fake.push(batch.records.map(({ ts, line, labels, metadata }) => ({ ts, line, labels, metadata })));
    else await push(url, batch.records);
    if (fake) fake.push(batch.checkpoints);
    else await push(url, batch.checkpoints);
  }
  console.log(`seeded in ${((Date.now() - seeding) / 1000).toFixed(1)} s (${checkpointCount} checkpoints)`);

  const client = new HttpLokiClient({ url, timeoutMs: 120_000 });
  const range = { from: new Date(Number(start / MS)), to: new Date(Number(end / MS) + 1) };
  const dir = mkdtempSync(join(tmpdir(), 'auditlens-integrity-bench-'));
  const cases: Record<string, () => Promise<number>> = {
    'read every entry (the export pager)': async () => {
      let n = 0;
      for await (const page of readAllEntries(client, {
        query: `{service_name="${SERVICE}", audit_log_type="access"}`,
        start,
        end: end + MS,
      }))
        n += page.entries.length;
      return n;
    },
    'CSV export of the range': async () => {
      const writer = createCsvWriter(join(dir, 'export.csv'), 'access', 'UTC');
      let n = 0;
      for await (const page of readAllEntries(client, {
        query: `{service_name="${SERVICE}", audit_log_type="access"}`,
        start,
        end: end + MS,
      })) {
        await writer.write(page.entries);
        n += page.entries.length;
      }
      await writer.finish();
      return n;
    },
    'verifyRange of the range': async () => {
      const report = await verifyRange(client, ring, 'access', range, { serviceName: SERVICE });
      if (report.records.total !== EVENTS) throw new Error(`verified ${report.records.total} of ${EVENTS}`);
      console.log(
        `    (report: ${report.status}, verified ${report.records.verified}, altered ${report.records.altered}, ` +
          `checkpoints ${report.checkpoints.valid} valid)`
      );
      return report.records.total;
    },
  };
  const results = new Map<string, Result[]>(Object.keys(cases).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, run] of Object.entries(cases)) results.get(name)!.push(await timed(run));

  console.log('\nrecords/s (wall clock) and CPU-seconds of this process, each round');
  for (const [name, runs] of results) {
    const cells = runs.map(
      (r) =>
        `${Math.round(r.records / r.seconds)
          .toLocaleString('en')
          .padStart(9)} (${r.cpuSeconds.toFixed(1)} s CPU)`
    );
    console.log(`  ${name.padEnd(38)}${cells.join('  ')}`);
  }
  const best = (name: string) => Math.max(...results.get(name)!.map((r) => r.records / r.seconds));
  const read = best('read every entry (the export pager)');
  const verify = best('verifyRange of the range');
  const csv = best('CSV export of the range');
  console.log(
    `\n  verification runs at ${((verify / read) * 100).toFixed(0)}% of the plain read's speed and ` +
      `${((verify / csv) * 100).toFixed(0)}% of the CSV export's (best rounds); ` +
      `1,000,000 records would take about ${(1_000_000 / verify).toFixed(0)} s to verify and ${(1_000_000 / read).toFixed(0)} s to read`
  );
  if (loki) await integrityLine(client, url, dir);
  rmSync(dir, { recursive: true, force: true });
  await fake?.stop();
  await loki?.dispose();
}

/**
 * The integrity line as the service answers it: the follower (its integrity consumer) catches up over the seeded
 * records into a SQLite job database, then a fresh process assembles the report of the last hour from what was
 * kept plus the unsettled edge (cold), and again (warm, no cache: the assembly itself).
 */
async function integrityLine(client: HttpLokiClient, url: string, dir: string): Promise<void> {
  const path = join(dir, 'jobs.sqlite');
  const db = await openDatabase(
    { dialect: 'sqlite', file: path },
    { features: [FOLLOWER_MIGRATIONS, INTEGRITY_PROOF_MIGRATIONS] }
  );
  const proofs = new ProofStore(db);
  const follower = new Follower(
    new HttpLokiClient({ url, lane: 'counts', timeoutMs: 120_000 }),
    new FollowerStore(db),
    {
      settleMs: 120_000,
      batchMinutes: 5,
      rereadMinutes: 0,
      startMs: Date.now() - 3_600_000,
      retentionMs: 7 * 86_400_000,
      leaseMs: 60_000,
      pollMs: 1000,
      serviceName: SERVICE,
      logTypes: ['access'],
    }
  );
  follower.register(new ProofKeeper(client, ring, proofs, { serviceName: SERVICE }));
  const caughtUp = await timed(async () => {
    while (await follower.round());
    return 0;
  });
  await follower.stop();
  await db.close();
  console.log(
    `\nfollower caught up over the last hour in ${caughtUp.seconds.toFixed(1)} s (${caughtUp.cpuSeconds.toFixed(1)} s CPU)`
  );
  const child = spawnSync(process.execPath, [join(__dirname, 'integrity-line.js')], {
    env: {
      ...process.env,
      INTEGRITY_LINE_DB: path,
      INTEGRITY_LINE_SERVICE: SERVICE,
      INTEGRITY_LINE_LOKI: url,
      INTEGRITY_LINE_KEY: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`integrity line failed: ${child.stderr}`);
  process.stderr.write(child.stderr);
  const line = JSON.parse(child.stdout) as { cold: number; warm: number; total: number; status: string };
  console.log(
    `integrity line over the last hour (${line.total.toLocaleString('en')} records, ${line.status}), fresh process: ` +
      `cold ${line.cold.toFixed(2)} s, warm ${line.warm.toFixed(2)} s (goals: 2 s cold, 1 s warm)`
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
