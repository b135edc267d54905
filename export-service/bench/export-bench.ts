// The writers' own cost: 1,000,000 access events from the Loki double to CSV and to XLSX, next to a bare
// fs.WriteStream baseline, read by the sequential pager. Prints rows/s and peak RSS of each case's process and
// fails only when a case does not read every event. BENCH_SHORT=1 runs 100,000 events.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LokiDouble, type SeedEntry } from '@auditlens/loki/double';
import { HttpLokiClient } from '@auditlens/loki';
import type { CaseResult } from './export-case';
import { runCase } from './run-case';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? (process.env['BENCH_SHORT'] ? 100_000 : 1_000_000));
const T0 = 1_795_000_000_000_000_000n;
// Which cases run, e.g. BENCH_CASES=xlsx while working on one writer.
const CASES = new Set((process.env['BENCH_CASES'] ?? 'baseline,csv,xlsx').split(','));

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

async function main(): Promise<void> {
  const loki = await LokiDouble.start();
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
    `writers benchmark: ${EVENTS} events in the Loki double (seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)}s), node ${process.version}`
  );
  const dir = await mkdtemp(join(tmpdir(), 'auditlens-bench-'));
  const results: Array<[string, CaseResult, string]> = [];
  try {
    for (const [kind, target] of [
      ['baseline', ''],
      ['csv', 'CSV >= 200,000 rows/s, peak RSS < 300 MB'],
      ['xlsx', 'XLSX >= 50,000 rows/s, peak RSS < 300 MB'],
    ] as const) {
      if (!CASES.has(kind)) continue;
      const result = await runCase({
        kind,
        lokiUrl: loki.url,
        path: join(dir, `out.${kind}`),
        query: '{audit_log_type="access"}',
        start: String(T0),
        end: String(end),
        concurrency: 0,
      });
      if (result.rows !== EVENTS) throw new Error(`${kind} read ${result.rows} of ${EVENTS} events`);
      results.push([kind, result, target]);
    }
  } finally {
    await loki.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log('\ncase        rows      seconds    rows/s     MB out   peak RSS MB   CPU µs/row   target');
  for (const [kind, r, target] of results) {
    const perSecond = r.rows / r.seconds;
    const minRate = kind === 'csv' ? 200_000 : kind === 'xlsx' ? 50_000 : 0;
    const verdict = target ? (perSecond >= minRate && r.maxRssMb < 300 ? 'met' : 'NOT met') : '';
    console.log(
      `${kind.padEnd(9)}${String(r.rows).padStart(9)}${r.seconds.toFixed(1).padStart(10)}${Math.round(perSecond).toString().padStart(11)}${(r.bytes / 1e6).toFixed(0).padStart(10)}${r.maxRssMb.toFixed(0).padStart(13)}${((r.cpuSeconds / r.rows) * 1e6).toFixed(1).padStart(13)}   ${target} ${verdict}`
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
