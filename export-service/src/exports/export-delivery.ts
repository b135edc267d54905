import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { PermissionRevokedError, type ExportAuthorizer } from '../auth/export-permissions';
import type { JobStore, JobUpdate, StoredJob } from './store/job-store';
import { UpstreamError } from '../domain-errors';
import { EXPORT_FORMAT_SPECS, exportFileName } from './writers/formats';
import { zipFile } from './writers/zip-file';
import { storedName, type ExportFiles, type LocalFile } from './files/export-files';
import { downloadLink, exportMailText } from './mail/export-mail';
import type { Mail, Mailer } from './mail/mailer';
import { recipientProblem } from './mail/recipient';
import type { ExportManifests } from './export-manifests';
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
  readonly files: ExportFiles;
  readonly mailer: Mailer;
  readonly recorder: AuditRecorder;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Verifies the job's range and signs a manifest of its file, attached to the mail. Default: none. */
  readonly manifests?: ExportManifests;
  /**
   * Asked right before each mail attempt (the first, a retry, one the user asked for again) whether the owner
   * may still read the job's log type and export. Default: none.
   */
  readonly authorizer?: ExportAuthorizer;
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

  /**
   * Checks that the requester's address is exactly one valid address; fails the job (which this process holds)
   * and records it if not.
   */
  async recipientAccepted(job: StoredJob): Promise<boolean> {
    const problem = recipientProblem(job.requester.email);
    if (!problem) return true;
    const reason = `${problem}; ask a Grafana administrator to correct it, then export again`;
    this.deps.logger.warn({ job: job.id }, 'export refused: invalid recipient');
    if (await this.change(job, { status: 'failed', error: reason, nextAttemptAt: null }))
      this.deps.recorder.activity(exportRefusedRecipient(job, problem));
    return false;
  }

  /**
   * One attempt to mail the job's file (the job is held by this process); the job ends done, waiting for the
   * next attempt, or failed.
   */
  async deliver(job: StoredJob): Promise<void> {
    const { mailer, recorder, logger } = this.deps;
    if (!(await this.recipientAccepted(job))) return;
    if (!job.filePath || !job.downloadable) {
      await this.change(job, {
        status: 'failed',
        error: 'the export file expired before it could be mailed; export again',
        nextAttemptAt: null,
      });
      return;
    }
    const name = storedName(job.filePath);
    const file = await this.deps.files.local(name);
    if (!file) {
      await this.change(job, {
        status: 'failed',
        error: 'the export file is no longer there; export again',
        filePath: null,
        nextAttemptAt: null,
      });
      return;
    }
    const held: LocalFile[] = [file];
    try {
      let mail: Mail;
      try {
        mail = await this.mailOf(job, name, file, held);
      } catch (error) {
        logger.warn({ job: job.id, err: error }, 'export could not be zipped');
        await this.change(job, {
          status: 'failed',
          error: visibleReason(error, job.id),
          nextAttemptAt: null,
        });
        return;
      }
      // The mail hands the file over: asked at this moment, not when the export was queued or first mailed.
      try {
        await this.deps.authorizer?.authorize(job.requester, job.logType);
      } catch (error) {
        if (error instanceof PermissionRevokedError) {
          logger.warn({ job: job.id }, 'export mail refused: the owner lost a permission in Grafana');
          await this.change(job, {
            status: 'failed',
            error: `refused: ${error.message}`,
            nextAttemptAt: null,
          });
          return;
        }
        logger.warn({ job: job.id, err: error }, 'export mail held: Grafana could not confirm permissions');
        await this.afterFailedAttempt(job, error, 'grafana');
        return;
      }
      try {
        await mailer.send(mail);
      } catch (error) {
        logger.warn({ job: job.id, err: error }, 'export mail not sent');
        await this.afterFailedAttempt(job, error, 'smtp');
        return;
      }
    } finally {
      for (const local of held) await local.release();
    }
    if (await this.change(job, { status: 'done', error: null, nextAttemptAt: null }))
      recorder.activity(exportDelivered(job));
  }

  /** Changes the held job; false (logged) when another process took it over meanwhile. */
  private async change(job: StoredJob, fields: JobUpdate): Promise<boolean> {
    const held = await this.deps.store.updateHeld(job, fields);
    if (!held)
      this.deps.logger.warn({ job: job.id }, 'export mail step lost its lease; another process has it');
    return held;
  }

  /**
   * After an attempt that did not send the mail: the mail server (`smtp`) did not take it, or Grafana could not
   * say whether the owner may still have the file (`grafana`). Tried again with backoff within the window while
   * the failure is temporary; failed, saying why, otherwise.
   */
  private async afterFailedAttempt(
    job: StoredJob,
    error: unknown,
    upstream: 'smtp' | 'grafana'
  ): Promise<void> {
    const now = this.deps.now();
    const since = job.mailSince ? Date.parse(job.mailSince) : now.getTime();
    const deadline = since + (this.options.mailRetryMs ?? 60 * 60_000);
    const until = `download the file or send the mail again from My exports until ${clockTime(new Date(job.expiresAt!))}`;
    const temporary = !(error instanceof UpstreamError) || error.retryable;
    const who =
      upstream === 'smtp'
        ? { refused: 'the mail server refused the mail', silent: 'the mail server did not take the mail' }
        : {
            refused: 'Grafana refused to confirm that you may still receive this export',
            silent: 'Grafana did not confirm that you may still receive this export',
          };
    if (!temporary) {
      const code =
        upstream === 'smtp' && error instanceof UpstreamError && error.upstreamStatus
          ? ` (SMTP ${error.upstreamStatus})`
          : '';
      await this.change(job, {
        status: 'failed',
        error: `${who.refused}${code}; ${until}`,
        nextAttemptAt: null,
      });
      return;
    }
    if (now.getTime() >= deadline) {
      await this.change(job, {
        status: 'failed',
        error: `${who.silent} for ${duration(this.options.mailRetryMs ?? 60 * 60_000)}; ${until}`,
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
    const retry = `trying again until ${clockTime(new Date(deadline))}`;
    await this.change(job, {
      status: 'waiting_for_mail',
      mailSince: new Date(since).toISOString(),
      nextAttemptAt: next.toISOString(),
      error:
        upstream === 'smtp'
          ? `waiting for the mail server: it did not take the mail; ${retry}, and the file can be downloaded meanwhile`
          : `waiting for Grafana: it did not confirm that you may still receive this export; ${retry}`,
    });
  }

  /**
   * The mail of a job: the file attached (zipped past `zipOverBytes`), or a link past `attachmentMaxBytes`.
   * Local copies it makes go into `held`, to be released after sending.
   */
  private async mailOf(job: StoredJob, name: string, file: LocalFile, held: LocalFile[]): Promise<Mail> {
    const filename = exportFileName(job);
    let attachment: Mail['attachment'] = {
      filename,
      path: file.path,
      contentType: EXPORT_FORMAT_SPECS[job.format].contentType,
    };
    let size = job.bytes;
    if (size > this.options.zipOverBytes) {
      const zip = await this.zipOnce(file, `${name}.zip`, filename);
      held.push(zip.file);
      size = zip.size;
      attachment = { filename: `${filename}.zip`, path: zip.file.path, contentType: 'application/zip' };
    }
    let link: string | undefined;
    if (size > this.options.attachmentMaxBytes) {
      link = downloadLink(this.options.grafanaUrl, job.id);
      attachment = undefined;
    }
    const integrity = await this.deps.manifests?.forMail(job, filename, file.path);
    const { subject, text } = exportMailText(job, job.rows, link, integrity?.lines);
    const attachments = integrity?.attachment ? [integrity.attachment] : undefined;
    return { to: job.requester.email, subject, text, attachment, attachments };
  }

  /**
   * The zip of a file, made and stored beside it unless a finished zip is there from an earlier attempt; a zip
   * only appears once complete.
   */
  private async zipOnce(
    file: LocalFile,
    zipName: string,
    nameInZip: string
  ): Promise<{ file: LocalFile; size: number }> {
    const { files } = this.deps;
    const existing = await files.local(zipName);
    if (existing) return { file: existing, size: (await stat(existing.path)).size };
    const staged = await files.stagingPath(`${zipName}.part`);
    const size = await zipFile(file.path, staged, nameInZip);
    await files.publish(staged, zipName);
    const zipped = await files.local(zipName);
    if (!zipped) throw new Error(`the zip ${zipName} vanished as it was stored`);
    return { file: zipped, size };
  }
}
