// One benchmark case in its own process, so its peak RSS is its own: reads every event from the Loki
// double at LOKI_URL and writes them as CSV, XLSX, or plain lines through a bare fs.WriteStream.
import { createWriteStream, readFileSync } from 'node:fs';
import { createCsvWriter } from '../src/export/csv-writer';
import { createXlsxWriter } from '../src/export/xlsx-writer';
import type { RowWriter } from '../src/export/row-writer';
import { HttpLokiClient } from '../src/loki/http-client';
import { readAllEntries } from '../src/loki/pager';
import type { LokiEntry } from '../src/loki/types';

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

async function main(): Promise<void> {
  const [kind, lokiUrl, path, start, end] = process.argv.slice(2) as [string, string, string, string, string];
  const writer =
    kind === 'csv'
      ? createCsvWriter(path, 'access', 'Europe/Berlin')
      : kind === 'xlsx'
        ? createXlsxWriter(path, 'access', 'Europe/Berlin')
        : bareWriter(path);
  const client = new HttpLokiClient({ url: lokiUrl, timeoutMs: 60_000 });
  const started = process.hrtime.bigint();
  let rows = 0;
  for await (const page of readAllEntries(client, {
    query: '{audit_log_type="access"}',
    start: BigInt(start),
    end: BigInt(end),
    pageSize: 5000,
  })) {
    await writer.write(page.entries);
    rows += page.entries.length;
  }
  const bytes = await writer.finish();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.send!({ rows, bytes, seconds, maxRssMb: peakRssMb() });
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
