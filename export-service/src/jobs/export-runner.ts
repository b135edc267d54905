import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EXPORT_ACTIVITY_CATEGORY, LOG_TYPE_TITLES } from '@auditlens/contract';
import type { Logger } from 'pino';
import { PermissionRevokedError, type ExportAuthorizer } from '../auth/export-permissions';
import type { JobStore, StoredJob } from '../db/job-store';
import { UpstreamError } from '../errors';
import { createCsvWriter } from '../export/csv-writer';
import { createXlsxWriter } from '../export/xlsx-writer';
import { zipFile } from '../export/zip-file';
import { buildLogQuery } from '../loki/logql';
import { readAllEntries, withRetry, type RetryPolicy } from '../loki/pager';
import type { LokiClient } from '../loki/types';
import { downloadLink, exportMailText } from '../mail/export-mail';
import type { Mailer } from '../mail/mailer';
import type { AuditRecorder } from './audit-recorder';
import type { ExportManifests } from '../integrity/export-manifests';

/** Settings of the export runner. */
export interface ExportRunnerOptions {
  readonly dataDir: string;
  readonly grafanaUrl: string;
  readonly serviceName?: string;
  /** Entries per Loki request. The default value is 5000. */
  readonly pageSize?: number;
  readonly maxRows: number;
  readonly attachmentMaxBytes: number;
  readonly zipOverBytes: number;
  readonly fileTtlHours: number;
  readonly retry?: RetryPolicy;
  /** Idle polling interval in ms. The default value is 500. */
  readonly pollMs?: number;
}

/** What the runner needs. */
export interface ExportRunnerDeps {
  readonly store: JobStore;
  readonly loki: LokiClient;
  readonly mailer: Mailer;
  readonly recorder: AuditRecorder;
  /** Asked once as a job starts whether its owner still may read its log type and export. */
  readonly authorizer?: ExportAuthorizer;
  readonly logger: Logger;
  readonly onRows?: (count: number) => void;
  readonly now?: () => Date;
  /** Verifies the job's range and signs a manifest of its file, attached to the mail. Default: none. */
  readonly manifests?: ExportManifests;
}

/** A job that cannot succeed: recorded on the job as the reason the user sees. */
class JobFailure extends Error {}

/**
 * Runs export jobs one at a time: Loki → file (CSV or XLSX) → mail. A job interrupted by a stop is taken up
 * again at start: its file is rewritten from the beginning, so the delivered file holds every event once.
 */
export class ExportRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: ExportRunnerDeps,
    private readonly options: ExportRunnerOptions
  ) {}

  /** Starts polling for jobs. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops after the current step; a job in progress is resumed at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Runs the next job to its end, if there is one; true when it ran one. Idle, it deletes expired files. */
  async runOnce(): Promise<boolean> {
    const job = this.deps.store.claimNext();
    if (!job) {
      await this.deleteExpiredFiles();
      return false;
    }
    await this.run(job);
    return true;
  }

  /** Deletes the files of exports past their expiry; their jobs stay listed, no longer downloadable. */
  async deleteExpiredFiles(): Promise<number> {
    const expired = this.deps.store.expired();
    for (const job of expired) {
      await rm(job.filePath!, { force: true });
      await rm(`${job.filePath!}.zip`, { force: true });
      this.deps.store.update(job.id, { filePath: null });
    }
    return expired.length;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce()
        .then((ran) => this.schedule(ran ? 0 : (this.options.pollMs ?? 500)))
        .catch((error: unknown) => {
          this.deps.logger.error({ err: error }, 'export runner step failed');
          this.schedule(this.options.pollMs ?? 500);
        });
    }, ms);
  }

  private async run(job: StoredJob): Promise<void> {
    const { store, logger } = this.deps;
    try {
      await this.authorize(job);
      let current = job;
      if (current.status !== 'sending' || !current.filePath) current = await this.writeFile(current);
      if (this.stopped) return;
      await this.deliver(current);
    } catch (error) {
      if (this.stopped && !(error instanceof JobFailure)) return;
      const message =
        error instanceof JobFailure || error instanceof UpstreamError ? error.message : 'internal error';
      logger.warn({ job: job.id, err: error }, 'export failed');
      store.update(job.id, { status: 'failed', error: message });
    }
  }

  private async authorize(job: StoredJob): Promise<void> {
    try {
      await this.deps.authorizer?.authorize(job.requester, job.logType);
    } catch (error) {
      throw error instanceof PermissionRevokedError ? new JobFailure(`refused: ${error.message}`) : error;
    }
  }

  private async writeFile(job: StoredJob): Promise<StoredJob> {
    const { store, loki } = this.deps;
    const dir = join(this.options.dataDir, 'files');
    await mkdir(dir, { recursive: true });
    const finalPath = join(dir, `${job.id}.${job.format}`);
    const partPath = `${finalPath}.part`;
    store.update(job.id, { status: 'running', rows: 0, bytes: 0, error: null });
    const writer =
      job.format === 'csv'
        ? createCsvWriter(partPath, job.logType, job.timezone)
        : createXlsxWriter(partPath, job.logType, job.timezone);
    let rows = 0;
    try {
      const pages = readAllEntries(loki, {
        query: buildLogQuery(job.logType, job.filters, { serviceName: this.options.serviceName }),
        start: BigInt(Date.parse(job.from)) * 1_000_000n,
        end: BigInt(Date.parse(job.to)) * 1_000_000n,
        pageSize: this.options.pageSize,
        retry: this.options.retry,
      });
      for await (const page of pages) {
        if (this.stopped) throw new Error('stopping');
        rows += page.entries.length;
        if (rows > this.options.maxRows) {
          throw new JobFailure(
            `more than ${this.options.maxRows} rows match; narrow the time range or the filters`
          );
        }
        await writer.write(page.entries);
        store.update(job.id, { rows });
        this.deps.onRows?.(page.entries.length);
      }
      const bytes = await writer.finish();
      await rename(partPath, finalPath);
      store.update(job.id, { status: 'sending', rows, bytes, filePath: finalPath });
      return store.get(job.id)!;
    } catch (error) {
      await writer.finish().catch(() => undefined);
      await rm(partPath, { force: true });
      if (error instanceof UpstreamError && !error.retryable)
        throw new JobFailure(`Loki rejected the query: ${error.message}`);
      throw error;
    }
  }

  private async deliver(job: StoredJob): Promise<void> {
    const { store, mailer, recorder } = this.deps;
    const path = job.filePath!;
    let attachment: { filename: string; path: string; contentType: string } | undefined = {
      filename: fileName(job),
      path,
      contentType:
        job.format === 'csv'
          ? 'text/csv; charset=utf-8'
          : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    };
    let size = job.bytes;
    if (size > this.options.zipOverBytes) {
      const zipPath = `${path}.zip`;
      size = await zipFile(path, zipPath, attachment.filename);
      attachment = { filename: `${attachment.filename}.zip`, path: zipPath, contentType: 'application/zip' };
    }
    let link: string | undefined;
    if (size > this.options.attachmentMaxBytes) {
      link = downloadLink(this.options.grafanaUrl, job.id);
      attachment = undefined;
    }
    const integrity = await this.deps.manifests?.forMail(job, fileName(job));
    const { subject, text } = exportMailText(job, job.rows, link, integrity?.lines);
    const attachments = integrity?.attachment ? [integrity.attachment] : undefined;
    try {
      await withRetry(this.options.retry, undefined, () =>
        mailer.send({ to: job.requester.email, subject, text, attachment, attachments })
      );
    } catch (error) {
      throw new JobFailure(
        error instanceof UpstreamError
          ? `the mail could not be sent: ${error.message}`
          : 'the mail could not be sent'
      );
    }
    const now = (this.deps.now ?? (() => new Date()))();
    store.update(job.id, {
      status: 'done',
      expiresAt: new Date(now.getTime() + this.options.fileTtlHours * 3600_000).toISOString(),
    });
    const filters = Object.entries(job.filters)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    recorder.activity({
      actor: {
        id: job.requester.uid ?? job.requester.login,
        name: job.requester.login,
        email: job.requester.email,
      },
      category: EXPORT_ACTIVITY_CATEGORY,
      action: 'export',
      target: { type: 'audit_log', id: job.logType, name: LOG_TYPE_TITLES[job.logType] },
      summary: `${job.requester.login} exported ${job.rows} ${LOG_TYPE_TITLES[job.logType].toLowerCase()} from ${job.from} to ${job.to}${filters ? ` (${filters})` : ''} as ${job.format.toUpperCase()}`,
      changes: {
        after: {
          logType: job.logType,
          from: job.from,
          to: job.to,
          filters: job.filters,
          format: job.format,
          rows: job.rows,
        },
      },
    });
  }
}

/** The name the export file is delivered under. */
function fileName(job: StoredJob): string {
  return `auditlens-${job.logType}-${job.id.slice(0, 8)}.${job.format}`;
}
