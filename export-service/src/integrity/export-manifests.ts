import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ExportManifest } from '@auditlens/contract';
import type { StoredJob } from '../db/job-store';
import type { LokiClient } from '../loki/types';
import type { KeyRing } from './key-ring';
import { fileDigest, signManifest } from './manifest';
import { verifyRange, type RangeVerificationOptions } from './range-verification';
import type { ServiceSigningKey } from './service-key';
import { integrityMailLines } from './report-text';

/** What an export mail carries about integrity: lines for its text, and the manifest to attach. */
export interface ExportIntegrity {
  readonly lines: readonly string[];
  readonly attachment?: { readonly filename: string; readonly path: string; readonly contentType: string };
}

/**
 * The signed manifests of exports (`<DATA_DIR>/files/<job id>.manifest.json`): made once per job when its file is
 * delivered (the range verified, the file hashed, all signed), kept after the file expires so the file can still
 * be checked offline.
 */
export class ExportManifests {
  constructor(
    private readonly deps: {
      readonly loki: LokiClient;
      readonly keys: KeyRing;
      readonly signingKey: ServiceSigningKey;
      readonly dataDir: string;
      readonly verification?: RangeVerificationOptions;
      readonly now?: () => Date;
    }
  ) {}

  /** Where the manifest of job `id` lives. */
  path(id: string): string {
    return join(this.deps.dataDir, 'files', `${id}.manifest.json`);
  }

  /** The manifest of job `id`, or undefined when it has none (yet). */
  read(id: string): ExportManifest | undefined {
    try {
      return JSON.parse(readFileSync(this.path(id), 'utf8')) as ExportManifest;
    } catch {
      return undefined;
    }
  }

  /**
   * The manifest of a job whose file is written, made when missing: verifies every record of the job's log type
   * in its range (filters do not apply: the chain is the whole log), hashes the file, signs. Idempotent, so a
   * delivery taken up again after a restart reuses it.
   */
  async ensure(job: StoredJob, filename: string): Promise<ExportManifest> {
    const existing = this.read(job.id);
    if (existing) return existing;
    const integrity = await verifyRange(
      this.deps.loki,
      this.deps.keys,
      job.logType,
      { from: new Date(job.from), to: new Date(job.to) },
      { ...this.deps.verification, now: this.deps.now }
    );
    const file = await fileDigest(job.filePath!);
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
    await mkdir(join(this.deps.dataDir, 'files'), { recursive: true });
    const part = `${this.path(job.id)}.part`;
    await writeFile(part, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(part, this.path(job.id));
    return manifest;
  }

  /** The manifest of a delivered job as mail lines and attachment; on failure, a line saying why. */
  async forMail(job: StoredJob, filename: string): Promise<ExportIntegrity> {
    try {
      const manifest = await this.ensure(job, filename);
      return {
        lines: integrityMailLines(manifest),
        attachment: {
          filename: `${filename.replace(/\.zip$/, '')}.manifest.json`,
          path: this.path(job.id),
          contentType: 'application/json',
        },
      };
    } catch (error) {
      return { lines: [`  Integrity: not verified (${(error as Error).message})`] };
    }
  }
}
