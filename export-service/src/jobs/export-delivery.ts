import { rename, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { JobStore, StoredJob } from '../db/job-store';
import { UpstreamError } from '../errors';
import { EXPORT_FORMAT_SPECS, exportFileName } from '../export/formats';
import { zipFile } from '../export/zip-file';
import { downloadLink, exportMailText } from '../mail/export-mail';
import type { Mail, Mailer } from '../mail/mailer';
import { recipientProblem } from '../mail/recipient';
import type { AuditRecorder } from './audit-recorder';
import { exportDelivered, exportRefusedRecipient } from './export-audit';
import { visibleReason } from './job-failure';

/** Settings of {@link ExportDelivery}. */
export interface ExportDeliveryOptions {
  readonly grafanaUrl: string;
  readonly zipOverBytes: number;
  readonly attachmentMaxBytes: number;
  /** How long a mail the server does not take is tried again, in ms. The default value is 60 minutes. */
  readonly mailRetryMs?: number;
  /** Wait before the second attempt, in ms, doubled for each further one. The default value is 30000. */
  readonly mailRetryDelayMs?: number;
  /** Longest wait between two attempts, in ms. The default value is 5 minutes. */
  readonly mailRetryMaxDelayMs?: number;
}

/** What {@link ExportDelivery} needs. */
export interface ExportDeliveryDeps {
  readonly store: JobStore;
  readonly mailer: Mailer;
  readonly recorder: AuditRecorder;
  readonly logger: Logger;
  readonly now: () => Date;
}

const clockTime = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const duration = (ms: number): string =>
  ms >= 3_600_000 && ms % 3_600_000 === 0
    ? `${ms / 3_600_000} hours`
    : ms >= 60_000
      ? `${Math.round(ms / 60_000)} minutes`
      : `${ms / 1000} s`;

/**
 * Mails a finished export to its requester, one attempt at a time. A mail server that is down or answers
 * "try later" puts the job in `waiting_for_mail` with the next attempt due after a backoff, for a window of
 * `mailRetryMs`; the file is kept and stays downloadable all the while, and after a final failure too.
 */
export class ExportDelivery {
  constructor(
    private readonly deps: ExportDeliveryDeps,
    private readonly options: ExportDeliveryOptions
  ) {}

  /** Checks that the requester's address is exactly one valid address; fails the job and records it if not. */
  recipientAccepted(job: StoredJob): boolean {
    const problem = recipientProblem(job.requester.email);
    if (!problem) return true;
    const reason = `${problem}; ask a Grafana administrator to correct it, then export again`;
    this.deps.logger.warn({ job: job.id }, 'export refused: invalid recipient');
    this.deps.store.update(job.id, { status: 'failed', error: reason, nextAttemptAt: null });
    this.deps.recorder.activity(exportRefusedRecipient(job, problem));
    return false;
  }

  /** One attempt to mail the job's file; the job ends done, waiting for the next attempt, or failed. */
  async deliver(job: StoredJob): Promise<void> {
    const { store, mailer, recorder, logger } = this.deps;
    if (!this.recipientAccepted(job)) return;
    if (!job.filePath || !job.downloadable) {
      store.update(job.id, {
        status: 'failed',
        error: 'the export file expired before it could be mailed; export again',
        nextAttemptAt: null,
      });
      return;
    }
    if (!(await stat(job.filePath).catch(() => undefined))) {
      store.update(job.id, {
        status: 'failed',
        error: 'the export file is no longer there; export again',
        filePath: null,
        nextAttemptAt: null,
      });
      return;
    }
    let mail: Mail;
    try {
      mail = await this.mailOf(job, job.filePath);
    } catch (error) {
      logger.warn({ job: job.id, err: error }, 'export could not be zipped');
      store.update(job.id, { status: 'failed', error: visibleReason(error, job.id), nextAttemptAt: null });
      return;
    }
    try {
      await mailer.send(mail);
    } catch (error) {
      logger.warn({ job: job.id, err: error }, 'export mail not sent');
      this.afterFailedAttempt(job, error);
      return;
    }
    store.update(job.id, { status: 'done', error: null, nextAttemptAt: null });
    recorder.activity(exportDelivered(job));
  }

  private afterFailedAttempt(job: StoredJob, error: unknown): void {
    const now = this.deps.now();
    const since = job.mailSince ? Date.parse(job.mailSince) : now.getTime();
    const deadline = since + (this.options.mailRetryMs ?? 60 * 60_000);
    const until = `download the file or send the mail again from My exports until ${clockTime(new Date(job.expiresAt!))}`;
    const temporary = !(error instanceof UpstreamError) || error.retryable;
    if (!temporary) {
      const code =
        error instanceof UpstreamError && error.upstreamStatus ? ` (SMTP ${error.upstreamStatus})` : '';
      this.deps.store.update(job.id, {
        status: 'failed',
        error: `the mail server refused the mail${code}; ${until}`,
        nextAttemptAt: null,
      });
      return;
    }
    if (now.getTime() >= deadline) {
      this.deps.store.update(job.id, {
        status: 'failed',
        error: `the mail server did not take the mail for ${duration(this.options.mailRetryMs ?? 60 * 60_000)}; ${until}`,
        nextAttemptAt: null,
      });
      return;
    }
    const base = this.options.mailRetryDelayMs ?? 30_000;
    const wait = Math.min(
      this.options.mailRetryMaxDelayMs ?? 5 * 60_000,
      base * 2 ** Math.max(0, job.mailAttempts - 1)
    );
    const next = new Date(Math.min(deadline, now.getTime() + wait));
    this.deps.store.update(job.id, {
      status: 'waiting_for_mail',
      mailSince: new Date(since).toISOString(),
      nextAttemptAt: next.toISOString(),
      error: `waiting for the mail server: it did not take the mail; trying again until ${clockTime(new Date(deadline))}, and the file can be downloaded meanwhile`,
    });
  }

  /** The mail of a job: the file attached (zipped past `zipOverBytes`), or a link past `attachmentMaxBytes`. */
  private async mailOf(job: StoredJob, path: string): Promise<Mail> {
    const filename = exportFileName(job);
    let attachment: Mail['attachment'] = {
      filename,
      path,
      contentType: EXPORT_FORMAT_SPECS[job.format].contentType,
    };
    let size = job.bytes;
    if (size > this.options.zipOverBytes) {
      const zipPath = `${path}.zip`;
      size = await zipOnce(path, zipPath, filename);
      attachment = { filename: `${filename}.zip`, path: zipPath, contentType: 'application/zip' };
    }
    let link: string | undefined;
    if (size > this.options.attachmentMaxBytes) {
      link = downloadLink(this.options.grafanaUrl, job.id);
      attachment = undefined;
    }
    const { subject, text } = exportMailText(job, job.rows, link);
    return { to: job.requester.email, subject, text, attachment };
  }
}

/** Zips `path` unless a finished zip is there from an earlier attempt; a zip only appears once complete. */
async function zipOnce(path: string, zipPath: string, nameInZip: string): Promise<number> {
  const existing = await stat(zipPath).catch(() => undefined);
  if (existing) return existing.size;
  const size = await zipFile(path, `${zipPath}.part`, nameInZip);
  await rename(`${zipPath}.part`, zipPath);
  return size;
}
