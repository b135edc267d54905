// Export speed on the real Loki, side by side in one run on the same data: one sequential raw reader (the pager,
// no file), Grafana's logcli sequential and with 4 parallel workers, and the service's CSV and XLSX exports (4
// windows at once) timed to the file and to the mailbox (manifest verified along the read, signed, the file
// zipped, one mail to a real SMTP server, testkit's SmtpInbox), each format twice (CSV, XLSX, XLSX, CSV), then
// the raw reader again to show how much the machine drifted. Prints the table and whether the goals are met, with
// the CPU figures that explain them. Needs LOKI_BIN (and LOGCLI_BIN for logcli); says so otherwise.
// BENCH_SHORT=1 seeds 30,000 events instead of 200,000 (BENCH_LOKI_EVENTS sets any number); BENCH_PAGE_BYTES sets the
// bytes the exports' pages aim at (default: half of the bench Loki's gRPC cap, as LOKI_MAX_MESSAGE_BYTES does).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SmtpInbox, type LokiServer } from '@auditlens/testkit';
import { startBenchLoki } from './bench-loki';
import { buildLogQuery } from '@auditlens/loki';
import { findProcess, machineBusySeconds, processCpuSeconds } from './cpu-meter';
import type { CaseResult, CaseSpec } from './export-case';
import { runCase } from './run-case';
import { seedAccessEvents } from './seed-loki';

const EVENTS = Number(process.env['BENCH_LOKI_EVENTS'] ?? (process.env['BENCH_SHORT'] ? 30_000 : 200_000));
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);
const SPAN_MS = 100 * 60_000;
const QUERY = buildLogQuery('access', {}, { serviceName: 'helpdesk' });
/** The export cases in the order they run, each format twice: its name's suffix for the second run. */
const EXPORT_ORDER = [
  ['csv', ''],
  ['xlsx', ''],
  ['xlsx', ' again'],
  ['csv', ' again'],
] as const;

/** One measured case. */
interface Row {
  readonly name: string;
  readonly rows: number;
  readonly seconds: number;
  /** CPU cores the case's own process used on average; undefined when not measured. */
  readonly clientCores?: number;
  readonly lokiCores: number;
  /** Every process of the machine, Loki and the case included. */
  readonly machineCores: number;
  readonly rssMb?: number;
}

async function measure(
  lokiPid: number | undefined,
  name: string,
  run: () => Promise<{ rows: number; seconds?: number; clientCpu?: number; rssMb?: number }>
): Promise<Row> {
  const loki0 = lokiPid ? processCpuSeconds(lokiPid) : 0;
  const machine0 = machineBusySeconds();
  const t0 = process.hrtime.bigint();
  const r = await run();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const seconds = r.seconds ?? wall;
  const row: Row = {
    name,
    rows: r.rows,
    seconds,
    clientCores: r.clientCpu === undefined ? undefined : r.clientCpu / wall,
    lokiCores: lokiPid ? (processCpuSeconds(lokiPid) - loki0) / wall : 0,
    machineCores: (machineBusySeconds() - machine0) / wall,
    rssMb: r.rssMb,
  };
  console.log(`  ${name}: ${row.rows} rows in ${seconds.toFixed(1)} s`);
  return row;
}

function serviceCase(
  lokiUrl: string,
  dir: string,
  spec: Pick<CaseSpec, 'kind' | 'concurrency' | 'smtpUrl' | 'pageBytes'>,
  start: string,
  end: string,
  mailbox?: (seconds: number) => void
) {
  return async () => {
    const r: CaseResult = await runCase({
      ...spec,
      lokiUrl,
      path: join(dir, `out.${spec.kind}`),
      query: QUERY,
      start,
      end,
    });
    if (r.rows !== EVENTS) throw new Error(`${spec.kind} read ${r.rows} of ${EVENTS} events`);
    if (spec.smtpUrl && r.mailSeconds === undefined) throw new Error(`${spec.kind} case sent no mail`);
    if (r.mailSeconds !== undefined) mailbox?.(r.mailSeconds);
    return { rows: r.rows, seconds: r.seconds, clientCpu: r.cpuSeconds, rssMb: r.maxRssMb };
  };
}

/** Runs an export case to the mailbox and adds two rows: the time to the file, and to the mailbox. */
async function exportRows(
  lokiPid: number | undefined,
  label: string,
  run: (
    mailbox: (seconds: number) => void
  ) => () => Promise<{ rows: number; seconds?: number; clientCpu?: number; rssMb?: number }>
): Promise<Row[]> {
  let mailSeconds = 0;
  const file = await measure(
    lokiPid,
    `${label} to file`,
    run((s) => (mailSeconds = s))
  );
  console.log(`  ${label} to mailbox: ${file.rows} rows in ${mailSeconds.toFixed(1)} s`);
  return [file, { ...file, name: `${label} to mailbox`, seconds: mailSeconds }];
}

/**
 * Grafana's logcli reading the range sequentially or with `workers` in parallel, its output lines counted. It keeps its default
 * batch of 1000 entries per request: batches of 5000 of these events are over Loki's 4 MiB gRPC messages.
 */
function logcli(bin: string, lokiUrl: string, dir: string, fromMs: number, toMs: number, workers: number) {
  return () =>
    new Promise<{ rows: number }>((resolve, reject) => {
      const parts = Math.max(1, Math.round((toMs - fromMs) / 1000 / 16));
      const child = spawn(
        bin,
        [
          'query',
          `--addr=${lokiUrl}`,
          `--from=${new Date(fromMs).toISOString()}`,
          `--to=${new Date(toMs).toISOString()}`,
          '--forward',
          '--limit=0',
          ...(workers > 1
            ? [
                `--parallel-duration=${parts}s`,
                `--parallel-max-workers=${workers}`,
                `--part-path-prefix=${join(dir, 'logcli-part')}`,
                '--merge-parts',
              ]
            : []),
          '--output=jsonl',
          '--quiet',
          QUERY,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] }
      );
      let lines = 0;
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        for (const byte of chunk) if (byte === 0x0a) lines += 1;
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve({ rows: lines }) : reject(new Error(`logcli exited with ${code}: ${stderr}`))
      );
    });
}

function printTable(rows: readonly Row[], raw: number): void {
  const perRow = (cores: number | undefined, r: Row) =>
    cores === undefined ? '-' : ((cores * r.seconds * 1e6) / r.rows).toFixed(0);
  console.log(
    '\ncase                              rows   seconds    rows/s   x raw   client cores   Loki cores   machine cores   client µs/row   Loki µs/row   peak RSS MB'
  );
  for (const r of rows) {
    const rate = r.rows / r.seconds;
    console.log(
      [
        r.name.padEnd(30),
        String(r.rows).padStart(8),
        r.seconds.toFixed(1).padStart(10),
        Math.round(rate).toString().padStart(10),
        (rate / raw).toFixed(2).padStart(8),
        (r.clientCores === undefined ? '-' : r.clientCores.toFixed(2)).padStart(15),
        r.lokiCores.toFixed(2).padStart(13),
        r.machineCores.toFixed(2).padStart(16),
        perRow(r.clientCores, r).padStart(16),
        perRow(r.lokiCores, r).padStart(14),
        (r.rssMb === undefined ? '-' : r.rssMb.toFixed(0)).padStart(14),
      ].join('')
    );
  }
}

/** Where the 2 cores went during a case: Loki, the case's own process, and everything else on the machine. */
function cores(r: Row): string {
  const others = Math.max(0, r.machineCores - r.lokiCores - (r.clientCores ?? 0));
  const own =
    r.clientCores === undefined
      ? ''
      : `, itself ${r.clientCores.toFixed(2)} (${((r.clientCores * r.seconds * 1e6) / r.rows).toFixed(0)} µs of CPU per row)`;
  return `${r.name}: Loki ${r.lokiCores.toFixed(2)} cores${own}, other processes ${others.toFixed(2)}`;
}

function printGoals(rows: readonly Row[], raw: number): void {
  const rate = (r: Row) => r.rows / r.seconds;
  const raws = rows.filter((r) => r.name.startsWith('raw reader'));
  /** The runs of a format to the mailbox, and their mean rate as a row of its own for the goals. */
  const mailed = (format: string): { runs: Row[]; mean: Row } => {
    const runs = rows.filter((r) => r.name.startsWith(`${format} export`) && r.name.endsWith('to mailbox'));
    const perSecond = runs.reduce((n, r) => n + rate(r), 0) / runs.length;
    return {
      runs,
      mean: { ...runs[0]!, name: `${format} to mailbox (mean)`, seconds: runs[0]!.rows / perSecond },
    };
  };
  const csvRuns = mailed('CSV');
  const xlsxRuns = mailed('XLSX');
  const csv = csvRuns.mean;
  const xlsx = xlsxRuns.mean;
  const cli = rows.find((x) => x.name === 'logcli, 4 workers');
  const goal = (text: string, met: boolean, figure: string, facts: readonly Row[]) =>
    console.log(
      `  ${met ? 'met    ' : 'NOT met'}  ${text}: ${figure}${met ? '' : `. Where the cores went: ${facts.map(cores).join('; ')}; load average ${loadavg()[0]!.toFixed(1)}`}`
    );
  console.log('\ngoals (the raw reader, CSV and XLSX each the mean of their two runs):');
  goal(
    'CSV to mailbox >= 1.4 x the sequential raw reader',
    rate(csv) >= 1.4 * raw,
    `${(rate(csv) / raw).toFixed(2)} x`,
    [...raws, ...csvRuns.runs]
  );
  if (cli === undefined)
    console.log('  -        CSV ahead of logcli with 4 workers: not measured (LOGCLI_BIN is not set)');
  else
    goal(
      'CSV to mailbox ahead of logcli with 4 workers',
      rate(csv) > rate(cli),
      `${(rate(csv) / rate(cli)).toFixed(2)} x logcli`,
      [cli, ...csvRuns.runs]
    );
  goal(
    'XLSX to mailbox >= 0.9 x CSV to mailbox',
    rate(xlsx) >= 0.9 * rate(csv),
    `${(rate(xlsx) / rate(csv)).toFixed(2)} x`,
    [...csvRuns.runs, ...xlsxRuns.runs]
  );
}

async function main(): Promise<void> {
  const lokiBin = process.env['LOKI_BIN'];
  if (!lokiBin) {
    console.log('real-Loki benchmark skipped: LOKI_BIN is not set (source scripts/use-test-servers.sh)');
    return;
  }
  const loki: LokiServer = await startBenchLoki();
  const inbox = await SmtpInbox.start();
  const dir = await mkdtemp(join(tmpdir(), 'auditlens-loki-bench-'));
  try {
    const toMs = Date.now() - 60_000;
    const fromMs = toMs - SPAN_MS;
    const seedStart = Date.now();
    await seedAccessEvents(loki.url, EVENTS, fromMs, toMs);
    const start = String(BigInt(fromMs - 1000) * 1_000_000n);
    const end = String(BigInt(toMs + 1000) * 1_000_000n);
    console.log(
      `real-Loki export benchmark: ${EVENTS} access events recorded with @auditlens/emitter over ${SPAN_MS / 60_000} minutes into Loki 3.7.6 at ${loki.url} in ${((Date.now() - seedStart) / 1000).toFixed(1)} s; node ${process.version}`
    );
    const pid = findProcess(`-config.file=${loki.configFile}`);
    // The service's exports are configured for the Loki they read (LOKI_MAX_MESSAGE_BYTES, as the compose stack
    // sets it for collector-config/loki.yaml): pages of half its gRPC message cap, 4 MiB when it sets none.
    const cap = /grpc_server_max_recv_msg_size:\s*(\d+)/.exec(await readFile(loki.configFile, 'utf8'));
    const pageBytes = Number(
      process.env['BENCH_PAGE_BYTES'] ?? Math.floor(Number(cap?.[1] ?? 4 * 1024 * 1024) / 2)
    );
    console.log(
      `  the exports' pages aim at ${(pageBytes / 1024 ** 2).toFixed(0)} MiB (half of Loki's gRPC cap)`
    );
    const rows: Row[] = [];
    const read = serviceCase(loki.url, dir, { kind: 'read', concurrency: 0 }, start, end);
    rows.push(await measure(pid, 'raw reader, sequential', read));
    const logcliBin = process.env['LOGCLI_BIN'];
    if (logcliBin)
      for (const workers of [1, 4])
        rows.push(
          await measure(
            pid,
            workers === 1 ? 'logcli, sequential' : `logcli, ${workers} workers`,
            logcli(logcliBin, loki.url, dir, fromMs - 1000, toMs + 1000, workers)
          )
        );
    // CSV, XLSX, XLSX, CSV: the two formats are compared by the mean of their two runs, so that Loki's state (its
    // ingester cuts and flushes chunks as the run goes on, which moved its CPU per row by 20 % from one case to the
    // next) and the machine's drift weigh on both alike.
    for (const [kind, again] of EXPORT_ORDER)
      rows.push(
        ...(await exportRows(pid, `${kind.toUpperCase()} export${again}`, (mailbox) =>
          serviceCase(
            loki.url,
            dir,
            { kind, concurrency: CONCURRENCY, smtpUrl: inbox.url, pageBytes },
            start,
            end,
            mailbox
          )
        ))
      );
    const mails = EXPORT_ORDER.length;
    if (inbox.messages.length !== mails)
      throw new Error(`${inbox.messages.length} mails arrived, not ${mails}`);
    const manifests = inbox.messages.flatMap((m) =>
      m.attachments.filter((a) => a.filename?.endsWith('.manifest.json'))
    );
    if (manifests.length !== mails) throw new Error('a mail came without its manifest');
    const report = (
      JSON.parse(manifests[0]!.content.toString('utf8')) as { integrity: { records: { total: number } } }
    ).integrity;
    console.log(`  the manifests verified ${report.records.total} records each`);
    rows.push(
      await measure(
        pid,
        'CSV export, 1 reader',
        serviceCase(loki.url, dir, { kind: 'csv', concurrency: 1, pageBytes }, start, end)
      )
    );
    rows.push(await measure(pid, 'raw reader, sequential again', read));
    const rawRows = rows.filter((r) => r.name.startsWith('raw reader'));
    const raw = rawRows.reduce((n, r) => n + r.rows / r.seconds, 0) / rawRows.length;
    printTable(rows, raw);
    printGoals(rows, raw);
  } catch (error) {
    console.error(`Loki's log ends with:\n${loki.logTail(40)}`);
    throw error;
  } finally {
    await loki.dispose();
    await inbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
