import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LOKI_ADDED_METADATA } from '@auditlens/contract';
import type { Logger } from 'pino';
import { PermissionRevokedError, type ExportAuthorizer } from '../auth/export-permissions';
import type { JobStore, StoredJob } from '../db/job-store';
import { UpstreamError } from '../errors';
import { createCsvWriter } from '../export/csv-writer';
import type { OpenFile } from '../export/file-sink';
import type { ExportFileWriter } from '../export/row-writer';
import { createXlsxWriter } from '../export/xlsx-writer';
import { buildLogQuery } from '../loki/logql';
import { readInParallel } from '../loki/parallel/parallel-reader';
import type { RetryPolicy } from '../loki/pager';
import type { LokiClient } from '../loki/types';
import type { Mailer } from '../mail/mailer';
import type { AuditRecorder } from './audit-recorder';
import { ExportDelivery, type ExportDeliveryOptions } from './export-delivery';
import { JobFailure, visibleReason } from './job-failure';

/** Settings of the export runner. */
export interface ExportRunnerOptions extends ExportDeliveryOptions {
  readonly dataDir: string;
  readonly serviceName?: string;
  /** Entries per Loki request. The default value is 5000. */
  readonly pageSize?: number;
  /** Time windows of an export read from Loki at once. The default value is 4. */
  readonly readConcurrency?: number;
  /** Loki's `max_query_length` in ns (0n: none); no request spans more. The default value is 721h. */
  readonly maxQueryLengthNs?: bigint;
  readonly maxRows: number;
  readonly fileTtlHours: number;
  /** Retries of each Loki request within one attempt. */
  readonly retry?: RetryPolicy;
  /** Idle polling interval in ms. The default value is 500. */
  readonly pollMs?: number;
  /** Exports written at the same time. The default value is 2. */
  readonly workers?: number;
  /** Exports of one user written at the same time. The default value is 1. */
  readonly workersPerUser?: number;
  /** Attempts of an export (each start counts, a crash too) before it fails. The default value is 3. */
  readonly maxAttempts?: number;
  /** Wait before an export is tried again after Loki failed, in ms, doubled per attempt. The default value is 30000. */
  readonly retryDelayMs?: number;
  /** Rows one user may export in 24 hours, all exports together. The default value is 10,000,000. */
  readonly dailyRows?: number;
  /** Bytes one user may export in 24 hours, all exports together. The default value is 2 GiB. */
  readonly dailyBytes?: number;
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
  /** Opens export files; the default is `fs.createWriteStream` (tests pass a full disk). */
  readonly openFile?: OpenFile;
}

/** Why an export was abandoned: the service is stopping, and the job is taken up again at the next start. */
class Stopping extends Error {}

const DAY_MS = 86_400_000;
// Orphaned files (left by a killed process) are looked for at start and then this often.
const SWEEP_MS = 10 * 60_000;

/**
 * Runs export jobs: Loki → file (CSV or XLSX) → mail. Up to `workers` exports are written at once, taken
 * fairly between users (`JobStore.claimExport`); mails due again after a failure are sent one at a time
 * beside them. A job interrupted by a stop or a crash is taken up again at start and its file rewritten from
 * the beginning, so the delivered file holds every event once; one that keeps failing or crashing the process
 * fails after `maxAttempts`. Every file error (a full disk) fails only its own job.
 */
export class ExportRunner {
  private readonly delivery: ExportDelivery;
  private readonly exporting = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private mailing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private lastSweep = 0;
  private cleaning: Promise<unknown> | undefined;

  constructor(
    private readonly deps: ExportRunnerDeps,
    private readonly options: ExportRunnerOptions
  ) {
    this.delivery = new ExportDelivery({ ...deps, now: () => this.now() }, options);
  }

  /** Takes up what a previous process left, then runs jobs as they come. */
  start(): void {
    this.stopped = false;
    for (const id of this.deps.store.recoverInterrupted(this.maxAttempts))
      this.deps.logger.warn({ job: id }, 'export failed: interrupted too often');
    this.pump();
    this.timer = setInterval(() => this.pump(), this.options.pollMs ?? 500);
  }

  /** Looks for work at once (an export was queued, or a mail asked for). */
  wake(): void {
    if (!this.stopped) this.pump();
  }

  /** Stops taking jobs and abandons the exports in progress; they are queued again for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (const { controller } of this.exporting.values()) controller.abort(new Stopping('stopping'));
    await Promise.all([...this.exporting.values()].map((e) => e.done));
    await this.mailing;
    await this.cleaning;
  }

  /**
   * Runs the next export, or else the next mail that is due, to its end; true when there was one. Idle, it
   * deletes expired files. For tests and tools; `start()` runs jobs by itself.
   */
  async runOnce(): Promise<boolean> {
    const job = this.deps.store.claimExport(this.options.workersPerUser ?? 1);
    if (job) {
      await this.track(job);
      return true;
    }
    const mail = this.deps.store.claimMail();
    if (mail) {
      await this.delivery.deliver(mail);
      return true;
    }
    await this.deleteExpiredFiles();
    return false;
  }

  /**
   * Deletes the files of exports past their expiry, whatever their status (done, failed after the mail, still
   * waiting for it); their jobs stay listed, no longer downloadable.
   */
  async deleteExpiredFiles(): Promise<number> {
    const expired = this.deps.store.expired();
    for (const job of expired) {
      await removeFiles(job.filePath!);
      this.deps.store.update(job.id, { filePath: null });
    }
    return expired.length;
  }

  /**
   * Deletes files in the export folder that no job refers to and no export is writing: a partial file or zip
   * left by a killed process, a file whose job is gone.
   */
  async deleteOrphanedFiles(): Promise<number> {
    const dir = this.filesDir();
    const names = await readdir(dir).catch(() => [] as string[]);
    const kept = new Set([...this.deps.store.filePaths()].flatMap((file) => filesOf(file)));
    const writing = this.deps.store.exportingIds();
    let deleted = 0;
    for (const name of names) {
      const path = join(dir, name);
      // Files are named `<job id>.<format>` and variants; job ids have no dot.
      if (kept.has(path) || writing.has(name.slice(0, name.indexOf('.')))) continue;
      await rm(path, { force: true });
      deleted++;
    }
    return deleted;
  }

  private get maxAttempts(): number {
    return this.options.maxAttempts ?? 3;
  }

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  private filesDir(): string {
    return join(this.options.dataDir, 'files');
  }

  /** Fills free workers with due exports and the mail lane with a due mail; never throws. */
  private pump(): void {
    if (this.stopped) return;
    try {
      while (this.exporting.size < (this.options.workers ?? 2)) {
        const job = this.deps.store.claimExport(this.options.workersPerUser ?? 1);
        if (!job) break;
        void this.track(job).then(() => this.pump());
      }
      if (!this.mailing) {
        const job = this.deps.store.claimMail();
        if (job) {
          this.mailing = this.delivery
            .deliver(job)
            .catch((error: unknown) =>
              this.deps.logger.error({ err: error, job: job.id }, 'mail step failed')
            )
            .finally(() => {
              this.mailing = undefined;
              this.pump();
            });
        }
      }
      if (!this.cleaning && this.exporting.size === 0) this.cleaning = this.cleanUp();
    } catch (error) {
      // The database itself failed (a full disk, say): try again at the next tick.
      this.deps.logger.error({ err: error }, 'export runner step failed');
    }
  }

  private cleanUp(): Promise<unknown> {
    const sweep = Date.now() - this.lastSweep >= SWEEP_MS;
    if (sweep) this.lastSweep = Date.now();
    return (async () => {
      await this.deleteExpiredFiles();
      if (sweep) await this.deleteOrphanedFiles();
    })()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'deleting export files failed'))
      .finally(() => (this.cleaning = undefined));
  }

  /** Runs one claimed export in a worker slot; resolves when it has settled, never rejects. */
  private track(job: StoredJob): Promise<void> {
    const controller = new AbortController();
    const done = this.run(job, controller.signal)
      .catch((error: unknown) => this.deps.logger.error({ err: error, job: job.id }, 'export step failed'))
      .finally(() => this.exporting.delete(job.id));
    this.exporting.set(job.id, { controller, done });
    return done;
  }

  private async run(job: StoredJob, signal: AbortSignal): Promise<void> {
    const { store, logger } = this.deps;
    if (!this.delivery.recipientAccepted(job)) return;
    let written: StoredJob;
    try {
      await this.authorize(job);
      written = await this.writeFile(job, signal);
    } catch (error) {
      if (signal.reason instanceof Stopping) {
        // Not the job's fault: the attempt does not count.
        store.update(job.id, { status: 'queued', attempts: Math.max(0, job.attempts - 1) });
        return;
      }
      logger.warn({ job: job.id, attempt: job.attempts, err: error }, 'export failed');
      // Loki or Grafana (asked whether the owner still may export) out of reach: try again later.
      const down = error instanceof UpstreamError && error.retryable && error.upstream !== 'smtp';
      const lokiDown = down && error.upstream === 'loki';
      if (down && job.attempts < this.maxAttempts) {
        const delay = (this.options.retryDelayMs ?? 30_000) * 2 ** (job.attempts - 1);
        const next = new Date(this.now().getTime() + delay);
        store.update(job.id, {
          status: 'queued',
          nextAttemptAt: next.toISOString(),
          error: `${lokiDown ? 'Loki' : 'Grafana'} did not answer (attempt ${job.attempts} of ${this.maxAttempts}); the export starts again at ${next.toISOString().slice(11, 19)} UTC`,
        });
        return;
      }
      const reason = visibleReason(error, job.id);
      store.update(job.id, {
        status: 'failed',
        error: down
          ? `${lokiDown ? 'Loki' : 'Grafana'} did not answer in ${job.attempts} attempts; try again later`
          : reason,
        nextAttemptAt: null,
      });
      return;
    }
    if (signal.aborted) return; // stopping: mailed at the next start
    await this.delivery.deliver(written);
  }

  /** Fails the job, saying why, when its owner lost a permission it needs in Grafana since asking. */
  private async authorize(job: StoredJob): Promise<void> {
    try {
      await this.deps.authorizer?.authorize(job.requester, job.logType);
    } catch (error) {
      throw error instanceof PermissionRevokedError ? new JobFailure(`refused: ${error.message}`) : error;
    }
  }

  private async writeFile(job: StoredJob, signal: AbortSignal): Promise<StoredJob> {
    const { store, loki } = this.deps;
    const dir = this.filesDir();
    await mkdir(dir, { recursive: true });
    const finalPath = join(dir, `${job.id}.${job.format}`);
    const partPath = `${finalPath}.part`;
    store.update(job.id, { status: 'running', rows: 0, estimatedRows: null, bytes: 0 });
    const budget = this.budgetOf(job);
    const writer: ExportFileWriter =
      job.format === 'csv'
        ? createCsvWriter(partPath, job.logType, job.timezone, this.deps.openFile)
        : createXlsxWriter(partPath, job.logType, job.timezone, this.deps.openFile);
    let rows = 0;
    try {
      const pages = readInParallel(loki, {
        query: buildLogQuery(job.logType, job.filters, { serviceName: this.options.serviceName }),
        start: BigInt(Date.parse(job.from)) * 1_000_000n,
        end: BigInt(Date.parse(job.to)) * 1_000_000n,
        pageSize: this.options.pageSize,
        retry: this.options.retry,
        signal,
        concurrency: this.options.readConcurrency,
        maxQueryLengthNs: this.options.maxQueryLengthNs,
        // No column shows them; Loki spends a fifth of a page's time on fields.
        dropFields: LOKI_ADDED_METADATA,
        // The count that plans the parallel reads is the progress estimate (none with one reader).
        onPlan: ({ counted }) => store.update(job.id, { estimatedRows: counted >= 0 ? counted : null }),
      });
      for await (const page of pages) {
        if (signal.aborted) throw signal.reason;
        rows += page.entries.length;
        if (rows > this.options.maxRows) {
          throw new JobFailure(
            `more than ${this.options.maxRows} rows match; narrow the time range or the filters`
          );
        }
        if (rows > budget.rows) throw new JobFailure(budget.rowsMessage);
        await writer.write(page.entries);
        if (writer.bytesWritten() > budget.bytes) throw new JobFailure(budget.bytesMessage);
        store.update(job.id, { rows, bytes: writer.bytesWritten() });
        this.deps.onRows?.(page.entries.length);
      }
      if (signal.aborted) throw signal.reason;
      const bytes = await writer.finish();
      await rename(partPath, finalPath);
      const now = this.now();
      store.update(job.id, {
        status: 'sending',
        rows,
        bytes,
        filePath: finalPath,
        expiresAt: new Date(now.getTime() + this.options.fileTtlHours * 3600_000).toISOString(),
        mailSince: now.toISOString(),
        mailAttempts: 1,
        error: null,
      });
      return store.get(job.id)!;
    } catch (error) {
      await writer.abort();
      await rm(partPath, { force: true });
      throw error;
    }
  }

  /** What is left of the requester's daily row and byte budgets for this export, and what to say past them. */
  private budgetOf(job: StoredJob) {
    const dailyRows = this.options.dailyRows ?? 10_000_000;
    const dailyBytes = this.options.dailyBytes ?? 2 * 1024 ** 3;
    // This job's own rows were reset to 0 above, so they are not counted twice.
    const used = this.deps.store.usageSince(job.requester.uid ?? '', new Date(this.now().getTime() - DAY_MS));
    return {
      rows: dailyRows - used.rows,
      bytes: dailyBytes - used.bytes,
      rowsMessage: `this export would pass your limit of ${dailyRows} rows in 24 hours (${used.rows} used); narrow the time range or the filters, or try again later`,
      bytesMessage: `this export would pass your limit of ${Math.round(dailyBytes / 1024 ** 2)} MB in 24 hours; narrow the time range or the filters, or try again later`,
    };
  }
}

/** An export file and the zips made of it. */
function filesOf(path: string): string[] {
  return [path, `${path}.zip`, `${path}.zip.part`];
}

async function removeFiles(path: string): Promise<void> {
  for (const file of filesOf(path)) await rm(file, { force: true });
}
