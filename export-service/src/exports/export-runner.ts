import { join } from 'node:path';
import { LOKI_ADDED_METADATA } from '@auditlens/contract';
import type { Logger } from 'pino';
import { PermissionRevokedError, type ExportAuthorizer } from '../auth/export-permissions';
import type { JobStore, JobUpdate, StoredJob } from './store/job-store';
import { UpstreamError } from '../domain-errors';
import { DirectoryExportFiles } from './files/directory-export-files';
import { storedName, type ExportFiles } from './files/export-files';
import type { OpenFile } from './writers/file-sink';
import { EXPORT_FORMAT_SPECS } from './writers/formats';
import type { ExportFileWriter } from './writers/row-writer';
import { buildLogQuery } from '@auditlens/loki';
import { readInParallel } from '@auditlens/loki';
import type { RetryPolicy } from '@auditlens/loki';
import type { LokiClient } from '@auditlens/loki';
import type { Mailer } from './mail/mailer';
import type { AuditRecorder } from './audit-recorder';
import { ExportDelivery, type ExportDeliveryOptions } from './export-delivery';
import { JobFailure, visibleReason } from './job-failure';
import { ExportManifests } from './export-manifests';
import { DEFAULTS } from '../config';
import { DEFAULT_EXPORT_LIMITS } from './export-quota';

/** Settings of the export runner. */
export interface ExportRunnerOptions extends ExportDeliveryOptions {
  /** Export files go to `<dataDir>/files` unless `ExportRunnerDeps.files` says otherwise. */
  readonly dataDir: string;
  readonly serviceName?: string;
  /** Entries per Loki request. The default value is 5000. */
  readonly pageSize?: number;
  /**
   * Bytes of entries a Loki request aims at: half of Loki's `grpc_server_max_recv_msg_size` (see `page-sizer.ts`
   * in `@auditlens/loki`). Fewer, fuller pages cost Loki less: each request also reads the entries of its first
   * chunk block before its start. The default value is 2 MiB (half of Loki's default).
   */
  readonly pageBytes?: number;
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
  /**
   * How long a claim holds a job without renewal, in ms (the job store's lease): the runner renews its jobs' leases
   * three times within it, and puts back jobs whose lease ran out (their process died) as often. The default
   * value is 30000.
   */
  readonly leaseMs?: number;
}

/** What the runner needs. */
export interface ExportRunnerDeps {
  readonly store: JobStore;
  /** Where export files are written and read. The default value is the folder `<dataDir>/files`. */
  readonly files?: ExportFiles;
  readonly loki: LokiClient;
  readonly mailer: Mailer;
  readonly recorder: AuditRecorder;
  /** Asked as a job starts, and before each of its mails, whether its owner still may read its log type and export. */
  readonly authorizer?: ExportAuthorizer;
  readonly logger: Logger;
  readonly onRows?: (count: number) => void;
  readonly now?: () => Date;
  /** Opens export files; the default is `fs.createWriteStream` (tests pass a full disk). */
  readonly openFile?: OpenFile;
  /** Verifies the job's range and signs a manifest of its file, attached to the mail. Default: none. */
  readonly manifests?: ExportManifests;
}

/** Why an export was abandoned: the service is stopping, and the job is taken up again at the next start. */
class Stopping extends Error {}

/** Why an export was abandoned: its lease ran out and another process took the job over. */
class LeaseLost extends Error {
  constructor() {
    super('the lease on this export was lost; another process took it over');
  }
}

const DAY_MS = 86_400_000;
// Orphaned files (left by a killed process) are looked for at start and then this often.
const SWEEP_MS = 10 * 60_000;

/**
 * Runs export jobs: Loki → file (CSV or XLSX) → mail. Up to `workers` exports are written at once, taken
 * fairly between users (`JobStore.claimExport`); mails due again after a failure are sent one at a time
 * beside them. Each claimed job is held by a lease the runner renews; a job whose process was stopped or died
 * (its lease ran out, or in SQLite at the next start) is taken up again, by this process or another replica,
 * and its file rewritten from the beginning, so the delivered file holds every event once; one that keeps
 * failing or crashing the process fails after `maxAttempts`. A runner that lost a job's lease stops working on
 * it and changes nothing of it. Every file error (a full disk) fails only its own job.
 */
export class ExportRunner {
  private readonly delivery: ExportDelivery;
  private readonly files: ExportFiles;
  private readonly exporting = new Map<
    string,
    { job: StoredJob; controller: AbortController; done: Promise<void> }
  >();
  private mailing: Promise<void> | undefined;
  private mailingJob: StoredJob | undefined;
  private timer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private lastSweep = 0;
  private lastRecovery = 0;
  private cleaning: Promise<unknown> | undefined;
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private renewing: Promise<void> | undefined;

  constructor(
    private readonly deps: ExportRunnerDeps,
    private readonly options: ExportRunnerOptions
  ) {
    this.files = deps.files ?? new DirectoryExportFiles(join(options.dataDir, 'files'));
    this.delivery = new ExportDelivery({ ...deps, files: this.files, now: () => this.now() }, options);
  }

  /** Takes up what processes that are gone left, then runs jobs as they come. */
  start(): void {
    this.stopped = false;
    this.lastRecovery = 0;
    this.pump();
    this.timer = setInterval(() => this.pump(), this.options.pollMs ?? 500);
    this.leaseTimer = setInterval(() => this.renewLeases(), this.leaseMs / 3);
  }

  /** Looks for work at once (an export was queued, or a mail asked for). */
  wake(): void {
    if (!this.stopped) this.pump();
  }

  /** Stops taking jobs and abandons the exports in progress; they are queued again for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.leaseTimer);
    await this.pumping;
    for (const { controller } of this.exporting.values()) controller.abort(new Stopping('stopping'));
    await Promise.all([...this.exporting.values()].map((e) => e.done));
    await this.mailing;
    await this.cleaning;
    await this.renewing;
  }

  /**
   * Runs the next export, or else the next mail that is due, to its end; true when there was one. Idle, it
   * deletes expired files. For tests and tools; `start()` runs jobs by itself.
   */
  async runOnce(): Promise<boolean> {
    const job = await this.deps.store.claimExport(
      this.options.workersPerUser ?? DEFAULTS.EXPORT_WORKERS_PER_USER
    );
    if (job) {
      await this.track(job);
      return true;
    }
    const mail = await this.deps.store.claimMail();
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
    const expired = await this.deps.store.expired();
    for (const job of expired) {
      for (const name of filesOf(storedName(job.filePath!))) await this.files.remove(name);
      await this.deps.store.update(job.id, { filePath: null });
    }
    return expired.length;
  }

  /**
   * Deletes export files that no job refers to and no export is writing: a partial file or zip left by a killed
   * process, a file whose job is gone. Every replica may do it: what one is writing is kept by its job's status.
   */
  async deleteOrphanedFiles(): Promise<number> {
    const names = await this.files.list();
    // The jobs being written are read before the files referred to: a job that finishes in between (its file
    // published, then the job moved to sending with the file's name) shows in one or the other.
    const writing = await this.deps.store.exportingIds();
    const kept = new Set([...(await this.deps.store.filePaths())].flatMap((f) => filesOf(storedName(f))));
    let deleted = 0;
    for (const name of names) {
      // Files are named `<job id>.<format>` and variants; job ids have no dot.
      const id = name.slice(0, name.indexOf('.'));
      if (kept.has(name) || writing.has(id)) continue;
      // A signed manifest outlives its file, for as long as its job is listed (the file can be checked offline).
      if (name.startsWith(ExportManifests.nameOf(id)) && (await this.deps.store.get(id))) continue;
      await this.files.remove(name);
      deleted++;
    }
    return deleted;
  }

  private get maxAttempts(): number {
    return this.options.maxAttempts ?? DEFAULTS.EXPORT_MAX_ATTEMPTS;
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? DEFAULTS.EXPORT_LEASE_SECONDS * 1000;
  }

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  /** Fills free workers with due exports and the mail lane with a due mail, one pass at a time; never throws. */
  private pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = this.fill()
      .catch((error: unknown) => {
        // The database itself failed (a full disk, Postgres out of reach): try again at the next tick.
        this.deps.logger.error({ err: error }, 'export runner step failed');
      })
      .finally(() => {
        this.pumping = undefined;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async fill(): Promise<void> {
    const { store, logger } = this.deps;
    if (Date.now() - this.lastRecovery >= this.leaseMs / 3) {
      this.lastRecovery = Date.now();
      for (const id of await store.recoverInterrupted(this.maxAttempts))
        logger.warn({ job: id }, 'export failed: interrupted too often');
    }
    while (!this.stopped && this.exporting.size < (this.options.workers ?? DEFAULTS.EXPORT_WORKERS)) {
      const job = await store.claimExport(this.options.workersPerUser ?? DEFAULTS.EXPORT_WORKERS_PER_USER);
      if (!job) break;
      if (this.stopped) {
        // Claimed as the service stops: handed back at once, the attempt not counted.
        await store.updateHeld(job, { status: 'queued', attempts: Math.max(0, job.attempts - 1) });
        break;
      }
      void this.track(job).then(() => this.pump());
    }
    if (!this.stopped && !this.mailing) {
      const job = await store.claimMail();
      if (job) {
        this.mailingJob = job;
        this.mailing = this.delivery
          .deliver(job)
          .catch((error: unknown) => logger.error({ err: error, job: job.id }, 'mail step failed'))
          .finally(() => {
            this.mailing = undefined;
            this.mailingJob = undefined;
            this.pump();
          });
      }
    }
    if (!this.stopped && !this.cleaning && this.exporting.size === 0) this.cleaning = this.cleanUp();
  }

  /** Renews the leases of the jobs this process works on; an export whose lease was lost is abandoned. */
  private renewLeases(): void {
    if (this.renewing) return;
    const held = [...this.exporting.values()].map((e) => e.job);
    if (this.mailingJob) held.push(this.mailingJob);
    if (held.length === 0) return;
    this.renewing = this.deps.store
      .renewLeases(held)
      .then((kept) => {
        for (const [id, { controller }] of this.exporting)
          if (!kept.has(id)) controller.abort(new LeaseLost());
      })
      .catch((error: unknown) => {
        // Out of reach for now; the lease has two more renewals to go before it runs out.
        this.deps.logger.warn({ err: error }, 'renewing export leases failed');
      })
      .finally(() => (this.renewing = undefined));
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
    this.exporting.set(job.id, { job, controller, done });
    return done;
  }

  private async run(job: StoredJob, signal: AbortSignal): Promise<void> {
    const { store, logger } = this.deps;
    if (!(await this.delivery.recipientAccepted(job))) return;
    let written: StoredJob;
    try {
      await this.authorize(job);
      written = await this.writeFile(job, signal);
    } catch (error) {
      if (signal.reason instanceof Stopping) {
        // Not the job's fault: the attempt does not count.
        await store.updateHeld(job, { status: 'queued', attempts: Math.max(0, job.attempts - 1) });
        return;
      }
      if (error instanceof LeaseLost || signal.reason instanceof LeaseLost) {
        // Another process has the job now and rewrites its file from the start: leave everything to it.
        logger.warn({ job: job.id, attempt: job.attempts }, 'export abandoned: its lease was lost');
        return;
      }
      logger.warn({ job: job.id, attempt: job.attempts, err: error }, 'export failed');
      // Loki or Grafana (asked whether the owner still may export) out of reach: try again later.
      const down = error instanceof UpstreamError && error.retryable && error.upstream !== 'smtp';
      const lokiDown = down && error.upstream === 'loki';
      if (down && job.attempts < this.maxAttempts) {
        const delay =
          (this.options.retryDelayMs ?? DEFAULTS.EXPORT_RETRY_SECONDS * 1000) * 2 ** (job.attempts - 1);
        const next = new Date(this.now().getTime() + delay);
        await store.updateHeld(job, {
          status: 'queued',
          nextAttemptAt: next.toISOString(),
          error: `${lokiDown ? 'Loki' : 'Grafana'} did not answer (attempt ${job.attempts} of ${this.maxAttempts}); the export starts again at ${next.toISOString().slice(11, 19)} UTC`,
        });
        return;
      }
      const reason = visibleReason(error, job.id);
      await store.updateHeld(job, {
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
    const name = `${job.id}.${job.format}`;
    // Each attempt writes a staged file of its own, so a process that lost the job never writes into the file
    // of the one that took it over; what earlier attempts left is deleted first.
    for (const earlier of stagedNames(name, job.attempts - 1))
      await this.files.discard(await this.files.stagingPath(earlier));
    const partPath = await this.files.stagingPath(stagedNames(name, job.attempts).at(-1)!);
    await this.hold(job, { status: 'running', rows: 0, estimatedRows: null, bytes: 0 });
    const budget = await this.budgetOf(job);
    const writer: ExportFileWriter = EXPORT_FORMAT_SPECS[job.format].createWriter(
      partPath,
      job.logType,
      job.timezone,
      this.deps.openFile
    );
    let rows = 0;
    const query = buildLogQuery(job.logType, job.filters, { serviceName: this.options.serviceName });
    try {
      // The manifest's verification rides along this read (one pass over the range; see beginPass).
      // Without it (Loki's checkpoints unreadable now), the manifest is verified at delivery as before.
      const pass = await this.deps.manifests?.beginPass(job, query).catch((error: unknown) => {
        this.deps.logger.warn({ job: job.id, err: error }, 'verification alongside the export not started');
        return undefined;
      });
      const pages = readInParallel(loki, {
        query,
        start: BigInt(Date.parse(job.from)) * 1_000_000n,
        end: BigInt(Date.parse(job.to)) * 1_000_000n,
        pageSize: this.options.pageSize,
        pageBytes: this.options.pageBytes,
        retry: this.options.retry,
        signal,
        concurrency: this.options.readConcurrency,
        maxQueryLengthNs: this.options.maxQueryLengthNs,
        // No column shows them; Loki spends a fifth of a page's time on fields.
        // The chain's hash covers the severity number: kept when the verification reads these pages.
        dropFields: pass?.fed
          ? LOKI_ADDED_METADATA.filter((f) => f !== 'severity_number')
          : LOKI_ADDED_METADATA,
        // The count that plans the parallel reads is the progress estimate (none with one reader).
        onPlan: ({ counted }) => this.hold(job, { estimatedRows: counted >= 0 ? counted : null }),
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
        pass?.add(page.entries);
        await writer.write(page.entries);
        if (writer.bytesWritten() > budget.bytes) throw new JobFailure(budget.bytesMessage);
        await this.hold(job, { rows, bytes: writer.bytesWritten() });
        this.deps.onRows?.(page.entries.length);
      }
      if (signal.aborted) throw signal.reason;
      const bytes = await writer.finish();
      // A verification that fails here is made again for the manifest at delivery (which says why if it fails).
      await pass
        ?.finish()
        .catch((error: unknown) =>
          this.deps.logger.warn({ job: job.id, err: error }, 'verification during the export failed')
        );
      // Only the holder of the job publishes its file.
      await this.hold(job, { rows, bytes });
      await this.files.publish(partPath, name);
      const now = this.now();
      await this.hold(job, {
        status: 'sending',
        rows,
        bytes,
        filePath: name,
        expiresAt: new Date(now.getTime() + this.options.fileTtlHours * 3600_000).toISOString(),
        mailSince: now.toISOString(),
        mailAttempts: 1,
        error: null,
      });
      return (await store.get(job.id))!;
    } catch (error) {
      await writer.abort();
      await this.files.discard(partPath);
      throw error;
    }
  }

  /** Changes a job this process holds; throws LeaseLost when another process took it over. */
  private async hold(job: StoredJob, fields: JobUpdate): Promise<void> {
    if (!(await this.deps.store.updateHeld(job, fields))) throw new LeaseLost();
  }

  /** What is left of the requester's daily row and byte budgets for this export, and what to say past them. */
  private async budgetOf(job: StoredJob) {
    const dailyRows = this.options.dailyRows ?? DEFAULT_EXPORT_LIMITS.dailyRows;
    const dailyBytes = this.options.dailyBytes ?? DEFAULT_EXPORT_LIMITS.dailyBytes;
    // This job's own rows were reset to 0 above, so they are not counted twice.
    const used = await this.deps.store.usageSince(
      job.requester.uid ?? '',
      new Date(this.now().getTime() - DAY_MS)
    );
    return {
      rows: dailyRows - used.rows,
      bytes: dailyBytes - used.bytes,
      rowsMessage: `this export would pass your limit of ${dailyRows} rows in 24 hours (${used.rows} used); narrow the time range or the filters, or try again later`,
      bytesMessage: `this export would pass your limit of ${Math.round(dailyBytes / 1024 ** 2)} MB in 24 hours; narrow the time range or the filters, or try again later`,
    };
  }
}

/** An export file and the zips made of it (the zip staged beside it while it is made). */
function filesOf(name: string): string[] {
  return [name, `${name}.zip`, `${name}.zip.part`];
}

/**
 * The staged files of attempts up to `attempts` of the file `name`: the name of releases before shared storage
 * (one for every attempt), then one per attempt.
 */
function stagedNames(name: string, attempts: number): string[] {
  return [
    `${name}.part`,
    ...Array.from({ length: Math.max(0, attempts) }, (_, i) => `${name}.${i + 1}.part`),
  ];
}
