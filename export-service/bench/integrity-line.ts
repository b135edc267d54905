// The integrity line's assembly in a process of its own (a fresh service process: nothing cached), over proofs
// the follower kept in INTEGRITY_LINE_DB. Run by integrity-bench.ts; prints one JSON line: cold and warm seconds.
import { createPublicKey } from 'node:crypto';
import { HttpLokiClient } from '@auditlens/loki';
import { KeyRing } from '@auditlens/integrity';
import { FOLLOWER_MIGRATIONS } from '../src/follower/follower-migrations';
import { FollowerStore } from '../src/follower/follower-store';
import { INTEGRITY_PROOF_MIGRATIONS } from '../src/integrity/proof-migrations';
import { ProofStore } from '../src/integrity/proof-store';
import { openDatabase } from '../src/store/database';
import { verifyRange } from '../src/integrity/verify-range';

async function main(): Promise<void> {
  const env = (name: string) => process.env[name] ?? '';
  const db = await openDatabase(
    { dialect: 'sqlite', file: env('INTEGRITY_LINE_DB') },
    { features: [FOLLOWER_MIGRATIONS, INTEGRITY_PROOF_MIGRATIONS] }
  );
  const service = env('INTEGRITY_LINE_SERVICE');
  const ring = new KeyRing(
    new Map([['bench', { key: createPublicKey(env('INTEGRITY_LINE_KEY')), services: [service] }]])
  );
  const loki = new HttpLokiClient({ url: env('INTEGRITY_LINE_LOKI'), lane: 'counts', timeoutMs: 120_000 });
  const to = new Date();
  const range = { from: new Date(to.getTime() - 3_600_000), to };
  const times: number[] = [];
  let total = 0;
  let status = '';
  for (let i = 0; i < 2; i++) {
    const started = process.hrtime.bigint();
    const store = new FollowerStore(db);
    const at = (await store.cursors()).find((c) => c.consumer === 'integrity' && c.logType === 'access')!;
    const kept = { store: new ProofStore(db), fromMs: at.startMs, toMs: at.cursorMs };
    const report = await verifyRange(loki, ring, 'access', range, { serviceName: service, kept });
    times.push(Number(process.hrtime.bigint() - started) / 1e9);
    total = report.records.total;
    status = report.status;
    if (i === 0) console.error(`  (kept through ${new Date(at.cursorMs).toISOString()}, live edge after it)`);
  }
  console.log(JSON.stringify({ cold: times[0], warm: times[1], total, status }));
  await db.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
