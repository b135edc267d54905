import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ExportManifest, IntegrityReport } from '@auditlens/contract';
import type { StoredJob } from './store/job-store';
import type { ExportFiles } from './files/export-files';
import type { LokiClient, LokiEntry } from '@auditlens/loki';
import type { KeyRing } from '@auditlens/integrity';
import { fileDigest, signManifest } from '@auditlens/integrity';
import { beginVerification, verifyRange, type RangeVerificationOptions } from '../integrity/verify-range';
import { recordsQuery } from '../integrity/integrity-queries';
import type { ServiceSigningKey } from '@auditlens/integrity';
import { integrityMailLines } from '@auditlens/integrity';

/** What an export mail carries about integrity: lines for its text, and the manifest to attach. */
export interface ExportIntegrity {
  readonly lines: readonly string[];
  readonly attachment?: { readonly filename: string; readonly content: string; readonly contentType: string };
}

/** Reports made during exports' reads, waiting for their manifests; at most this many (the oldest go first). */
const MAX_PREPARED = 64;

/** The verification that rides along an export's read (see {@link ExportManifests.beginPass}). */
export interface VerificationPass {
  /** True when the export's read is the unfiltered read of the range: its pages go to `add`. */
  readonly fed: boolean;
  add(entries: readonly LokiEntry[]): void;
  /** Completes the report (from kept proofs and what else it must read) and keeps it for the job's manifest. */
  finish(): Promise<void>;
}

/**
 * The signed manifests of exports (`<job id>.manifest.json` beside the export files, so every replica reads them):
 * made once per job when its file is delivered (the range verified, the file hashed, all signed), kept after the
 * file expires so the file can still be checked offline.
 */
export class ExportManifests {
  constructor(
    private readonly deps: {
      readonly loki: LokiClient;
      readonly keys: KeyRing;
      readonly signingKey: ServiceSigningKey;
      readonly files: ExportFiles;
      readonly verification?: RangeVerificationOptions;
      readonly now?: () => Date;
    }
  ) {}

  private readonly prepared = new Map<string, IntegrityReport>();

  /**
   * Starts the verification of `job`'s range alongside the export's read of it (`exportQuery`), so the range is
   * read once: when the export reads every record of the log type (no filters), its pages are verified as they
   * come; otherwise the report stands on the follower's kept proofs plus what they do not cover (the live edge),
   * read from Loki. The report is the one `ensure` would make, kept in memory for the job's manifest.
   */
  async beginPass(job: StoredJob, exportQuery: string): Promise<VerificationPass> {
    const options = { ...this.deps.verification, now: this.deps.now };
    const fed = exportQuery === recordsQuery(job.logType, { serviceName: options.serviceName });
    const verification = await beginVerification(
      this.deps.loki,
      this.deps.keys,
      job.logType,
      { from: new Date(job.from), to: new Date(job.to) },
      { ...options, fed }
    );
    return {
      fed,
      add: (entries) => {
        if (fed) verification.add(entries);
      },
      finish: async () => {
        const report = await verification.finish();
        this.prepared.set(job.id, report);
        for (const id of this.prepared.keys()) {
          if (this.prepared.size <= MAX_PREPARED) break;
          this.prepared.delete(id);
        }
      },
    };
  }

  /** The stored name of the manifest of job `id`. */
  static nameOf(id: string): string {
    return `${id}.manifest.json`;
  }

  /** The manifest of job `id`, or undefined when it has none (yet). */
  async read(id: string): Promise<ExportManifest | undefined> {
    const file = await this.deps.files.open(ExportManifests.nameOf(id));
    if (!file) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of file.body) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportManifest;
    } catch {
      return undefined;
    }
  }

  /**
   * The manifest of a job whose file is written, made when missing: verifies every record of the job's log type
   * in its range (filters do not apply: the chain is the whole log), hashes the file, signs. Idempotent, so a
   * delivery taken up again after a restart reuses it.
   */
  async ensure(job: StoredJob, filename: string, localPath: string): Promise<ExportManifest> {
    const existing = await this.read(job.id);
    if (existing) return existing;
    // Made during the export's read when this process read it; else (a restart in between) verified now.
    const integrity =
      this.prepared.get(job.id) ??
      (await verifyRange(
        this.deps.loki,
        this.deps.keys,
        job.logType,
        { from: new Date(job.from), to: new Date(job.to) },
        { ...this.deps.verification, now: this.deps.now }
      ));
    this.prepared.delete(job.id);
    const file = await fileDigest(localPath);
    const manifest = signManifest(
      {
        format: 'auditlens-export-manifest-v1',
        export: {
          id: job.id,
          logType: job.logType,
          from: job.from,
          to: job.to,
          filters: job.filters,
          fileFormat: job.format,
          timezone: job.timezone,
          rows: job.rows,
          requestedBy: job.requester.login,
          createdAt: job.createdAt,
        },
        file: { name: basename(filename), ...file },
        integrity,
      },
      this.deps.signingKey
    );
    const name = ExportManifests.nameOf(job.id);
    const part = await this.deps.files.stagingPath(`${name}.part`);
    await writeFile(part, ExportManifests.text(manifest));
    await this.deps.files.publish(part, name);
    return manifest;
  }

  /** A manifest as its file holds it. */
  static text(manifest: ExportManifest): string {
    return `${JSON.stringify(manifest, null, 2)}\n`;
  }

  /** The manifest of a delivered job as mail lines and attachment; on failure, a line saying why. */
  async forMail(job: StoredJob, filename: string, localPath: string): Promise<ExportIntegrity> {
    try {
      const manifest = await this.ensure(job, filename, localPath);
      return {
        lines: integrityMailLines(manifest),
        attachment: {
          filename: `${filename.replace(/\.zip$/, '')}.manifest.json`,
          content: ExportManifests.text(manifest),
          contentType: 'application/json',
        },
      };
    } catch (error) {
      return { lines: [`  Integrity: not verified (${(error as Error).message})`] };
    }
  }
}
