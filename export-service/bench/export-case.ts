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
import { generateKeyPairSync } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyRing, serviceSigningKey } from '@auditlens/integrity';
import { ExportManifests, type VerificationPass } from '../src/exports/export-manifests';
import { DirectoryExportFiles } from '../src/exports/files/directory-export-files';
import { SmtpMailer } from '../src/exports/mail/mailer';
import type { StoredJob } from '../src/exports/store/job-store';
import { zipFile } from '../src/exports/writers/zip-file';

// As the service's defaults (ZIP_OVER_BYTES, ATTACHMENT_MAX_BYTES): zipped past 256 KiB, a link past 10 MiB.
const ZIP_OVER_BYTES = 256 * 1024;
const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

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
  /**
   * Bytes of a Loki answer the service's reader aims at, as the export runner is configured
   * (`LOKI_MAX_MESSAGE_BYTES` / 2). Default: the reader's own (2 MiB).
   */
  readonly pageBytes?: number;
  /**
   * With csv/xlsx: after the file, on to the mailbox as the service delivers it: the manifest (its verification
   * fed by this same read), the file zipped, one mail with both to this SMTP server. Default: the file only.
   */
  readonly smtpUrl?: string;
}

/** What a case reports back. */
export interface CaseResult {
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  /** CPU seconds (user and system) the case's process used. */
  readonly cpuSeconds: number;
  readonly maxRssMb: number;
  /** With `smtpUrl`: seconds from the start of the read until the mail was accepted by the SMTP server. */
  readonly mailSeconds?: number;
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
      ? readInParallel(client, {
          ...range,
          concurrency: spec.concurrency,
          pageBytes: spec.pageBytes,
          // As the export runner: the severity number stays when the read feeds the verification.
          dropFields: spec.smtpUrl
            ? LOKI_ADDED_METADATA.filter((f) => f !== 'severity_number')
            : LOKI_ADDED_METADATA,
        })
      : readAllEntries(client, range);
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const job = {
    id: 'bench',
    logType: 'access',
    from: new Date(Number(BigInt(spec.start) / 1_000_000n)).toISOString(),
    to: new Date(Number(BigInt(spec.end) / 1_000_000n)).toISOString(),
    filters: {},
    format: spec.kind,
    timezone: 'Europe/Berlin',
    rows: 0,
    requester: { uid: 'u-bench', login: 'bench' },
    createdAt: new Date().toISOString(),
  } as unknown as StoredJob;
  const manifests = spec.smtpUrl
    ? new ExportManifests({
        loki: client,
        keys: new KeyRing(new Map()),
        signingKey: serviceSigningKey(generateKeyPairSync('ed25519').privateKey),
        files: new DirectoryExportFiles(dirname(spec.path)),
        verification: { serviceName: 'helpdesk' },
      })
    : undefined;
  const pass: VerificationPass | undefined = await manifests?.beginPass(job, spec.query);
  let rows = 0;
  for await (const page of pages) {
    pass?.add(page.entries);
    await writer.write(page.entries);
    rows += page.entries.length;
  }
  const bytes = await writer.finish();
  const seconds = elapsed();
  let mailSeconds: number | undefined;
  if (manifests && pass && spec.smtpUrl) {
    await pass.finish();
    const name = `export.${spec.kind}`;
    const manifest = await manifests.ensure({ ...job, rows }, name, spec.path);
    let attachment = {
      filename: name,
      path: spec.path,
      contentType:
        spec.kind === 'csv'
          ? 'text/csv'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    };
    if (bytes > ZIP_OVER_BYTES) {
      await zipFile(spec.path, `${spec.path}.zip`, name);
      attachment = { filename: `${name}.zip`, path: `${spec.path}.zip`, contentType: 'application/zip' };
    }
    const fits = (await stat(attachment.path)).size <= ATTACHMENT_MAX_BYTES;
    await new SmtpMailer(spec.smtpUrl, 'auditlens@bench.test').send({
      to: 'jane@bench.test',
      subject: 'Your export is ready',
      text: fits ? 'Attached.' : 'Too large to attach: download it from My exports.',
      ...(fits ? { attachment } : {}),
      attachments: [
        {
          filename: `${name}.manifest.json`,
          content: ExportManifests.text(manifest),
          contentType: 'application/json',
        },
      ],
    });
    mailSeconds = elapsed();
  }
  const cpu = process.cpuUsage();
  process.send!({
    rows,
    bytes,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: peakRssMb(),
    ...(mailSeconds === undefined ? {} : { mailSeconds }),
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
