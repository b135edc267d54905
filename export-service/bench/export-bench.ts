// Export benchmark: 1,000,000 access events from the Loki double to CSV and to XLSX, next to a bare
// fs.WriteStream baseline. Prints rows/s and peak RSS of each case's process; asserts nothing.
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeLoki, type SeedEntry } from '../src/loki/fake/FakeLoki.fake';
import { HttpLokiClient } from '../src/loki/http-client';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const T0 = 1_795_000_000_000_000_000n;
// V8 flags of each case's process; a smaller young generation keeps RSS near the live data.
const CHILD_FLAGS = (process.env.BENCH_CHILD_FLAGS ?? '--max-semi-space-size=4').split(' ').filter(Boolean);
// Which cases run, e.g. BENCH_CASES=xlsx while working on one writer.
const CASES = new Set((process.env.BENCH_CASES ?? 'baseline,csv,xlsx').split(','));

function* events(): Generator<SeedEntry> {
  const labels = { service_name: 'helpdesk', audit_log_type: 'access' };
  const users = ['jane', 'bob', 'priya', 'tom', 'li'];
  for (let i = 0; i < EVENTS; i++) {
    const user = users[i % users.length]!;
    // Every 7th event shares its nanosecond with the previous one, so page boundaries meet duplicates.
    const ts = T0 + BigInt(i - Math.floor(i / 7)) * 1_000_000n;
    yield {
      ts,
      line: `${user} logged in to the agent portal (form)`,
      labels,
      metadata: {
        audit_event_id: `0190c2a8-7f3e-7a00-8000-${i.toString(16).padStart(12, '0')}`,
        user_name: user,
        user_email: `${user}@acme.test`,
        client_address: `203.0.113.${i % 250}`,
        audit_action: i % 10 === 0 ? 'login_failed' : 'login',
        audit_outcome: i % 10 === 0 ? 'failure' : 'success',
        audit_brand: 'Acme',
        audit_portal: 'agent',
        audit_login_source: 'form',
        user_agent_original: 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
      },
    };
  }
}

interface Result {
  rows: number;
  bytes: number;
  seconds: number;
  maxRssMb: number;
}

function runCase(kind: string, lokiUrl: string, path: string, end: bigint): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'export-case.js'), [kind, lokiUrl, path, String(T0), String(end)], {
      stdio: 'inherit',
      execArgv: CHILD_FLAGS,
    });
    child.once('message', (m) => resolve(m as Result));
    child.once('exit', (code) => code !== 0 && reject(new Error(`${kind} case exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const loki = await FakeLoki.start();
  const seedStart = Date.now();
  loki.push(events());
  const end = T0 + BigInt(EVENTS) * 1_000_000n;
  // The double sorts and serializes what was pushed at the first query: part of seeding, not of any case.
  await new HttpLokiClient({ url: loki.url, timeoutMs: 600_000 }).queryLogs({
    query: '{audit_log_type="access"}',
    start: T0,
    end,
    limit: 1,
    direction: 'forward',
  });
  console.log(
    `export benchmark: ${EVENTS} events in the Loki double (seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)}s), node ${process.version}`
  );
  const dir = await mkdtemp(join(tmpdir(), 'auditlens-bench-'));
  const results: Array<[string, Result, string]> = [];
  try {
    for (const [kind, target] of [
      ['baseline', ''],
      ['csv', 'CSV >= 200,000 rows/s, peak RSS < 300 MB'],
      ['xlsx', 'XLSX >= 50,000 rows/s, peak RSS < 300 MB'],
    ] as const) {
      if (!CASES.has(kind)) continue;
      results.push([kind, await runCase(kind, loki.url, join(dir, `out.${kind}`), end), target]);
    }
  } finally {
    await loki.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log('\ncase        rows      seconds    rows/s     MB out   peak RSS MB   target');
  for (const [kind, r, target] of results) {
    const perSecond = r.rows / r.seconds;
    const minRate = kind === 'csv' ? 200_000 : kind === 'xlsx' ? 50_000 : 0;
    const verdict = target ? (perSecond >= minRate && r.maxRssMb < 300 ? 'met' : 'NOT met') : '';
    console.log(
      `${kind.padEnd(9)}${String(r.rows).padStart(9)}${r.seconds.toFixed(1).padStart(10)}${Math.round(perSecond).toString().padStart(11)}${(r.bytes / 1e6).toFixed(0).padStart(10)}${r.maxRssMb.toFixed(0).padStart(13)}   ${target} ${verdict}`
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
