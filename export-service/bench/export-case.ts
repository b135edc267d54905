// One benchmark case in its own process, so its peak RSS is its own: reads every event of a Loki (the double or
// a real one) and writes them as CSV, XLSX, plain lines through a bare fs.WriteStream, or nothing (read only).
import { createWriteStream, readFileSync } from 'node:fs';
import { LOKI_ADDED_METADATA } from '@auditlens/contract';
import { EXPORT_FORMAT_SPECS } from '../src/exports/writers/formats';
import type { RowWriter } from '../src/exports/writers/row-writer';
import { HttpLokiClient } from '@auditlens/loki';
import { readAllEntries } from '@auditlens/loki';
import { readInParallel } from '@auditlens/loki';
import type { LokiEntry } from '@auditlens/loki';

/** What the parent asks a case to do. */
export interface CaseSpec {
  /** `csv`, `xlsx`, `baseline` (plain lines) or `read` (no file: the raw reader). */
  readonly kind: 'csv' | 'xlsx' | 'baseline' | 'read';
  readonly lokiUrl: string;
  readonly path: string;
  readonly query: string;
  readonly start: string;
  readonly end: string;
  /** Windows read at once by the service's reader, as the export runner reads; 0 for the plain sequential pager. */
  readonly concurrency: number;
}

/** What a case reports back. */
export interface CaseResult {
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  /** CPU seconds (user and system) the case's process used. */
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
}

function bareWriter(path: string): RowWriter {
  const out = createWriteStream(path);
  return {
    async write(entries: readonly LokiEntry[]) {
      const text = entries.map((e) => `${e.ts},${e.line},${Object.values(e.metadata).join(',')}\n`).join('');
      if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
    },
    finish: () => new Promise<number>((resolve) => out.end(() => resolve(out.bytesWritten))),
  };
}

const nothing: RowWriter = { write: async () => undefined, finish: async () => 0 };

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]!) as CaseSpec;
  const writer =
    spec.kind === 'csv' || spec.kind === 'xlsx'
      ? EXPORT_FORMAT_SPECS[spec.kind].createWriter(spec.path, 'access', 'Europe/Berlin')
      : spec.kind === 'baseline'
        ? bareWriter(spec.path)
        : nothing;
  const client = new HttpLokiClient({ url: spec.lokiUrl, timeoutMs: 120_000 });
  const range = { query: spec.query, start: BigInt(spec.start), end: BigInt(spec.end), pageSize: 5000 };
  const pages =
    spec.concurrency > 0
      ? readInParallel(client, { ...range, concurrency: spec.concurrency, dropFields: LOKI_ADDED_METADATA })
      : readAllEntries(client, range);
  const started = process.hrtime.bigint();
  let rows = 0;
  for await (const page of pages) {
    await writer.write(page.entries);
    rows += page.entries.length;
  }
  const bytes = await writer.finish();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage();
  process.send!({
    rows,
    bytes,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: peakRssMb(),
  } satisfies CaseResult);
}

/**
 * This process's own peak RSS. Linux's getrusage maxRSS of a forked child starts at the RSS of the parent
 * (the bench, holding the Loki double) and so says nothing about the case; /proc's VmHWM is this process's.
 */
function peakRssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS / 1024;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
