/**
 * The life of an export job, in one place: its statuses (named by the contract), which of them hold a lease,
 * count as on their way or have been mailed, and what the user is told when the file cannot be mailed again.
 * The runner, the delivery, the routes and the job store ask here instead of spelling statuses out.
 *
 *   queued ──claim──▶ running ──file written──▶ sending ──mail taken──▶ done
 *     ▲                  │                        │  ▲                    │
 *     └─ retry, lease lost┤                        ▼  │ claim mail         ▼ mail again
 *                        └──▶ failed        waiting_for_mail ◀── (also from failed, with a file)
 *
 * A failure while running or sending ends in `failed`; a mail the server did not take, or a sending process
 * that went away, in `waiting_for_mail`, due again later.
 */
import { EXPORT_ACTIVE_STATUSES, type ExportStatus } from '@auditlens/contract';
import type { JobUpdate, StoredJob } from './store/job-store';

/** Statuses in which a job is held by a lease (a process works on it); any other ends it. */
export const HELD_STATUSES: readonly ExportStatus[] = ['running', 'sending'];

/** Statuses of an export on its way: each counts against the requester's exports in progress. */
export const ACTIVE_STATUSES: readonly ExportStatus[] = EXPORT_ACTIVE_STATUSES;

/** Statuses of a job whose file went (or is going) out by mail; its manifest exists from then on. */
export const MAILED_STATUSES: readonly ExportStatus[] = ['sending', 'waiting_for_mail', 'done'];

/** The allowed moves between statuses (what the runner, the delivery and the stores do). */
export const TRANSITIONS: Readonly<Record<ExportStatus, readonly ExportStatus[]>> = {
  queued: ['running'],
  running: ['queued', 'sending', 'failed'],
  sending: ['done', 'waiting_for_mail', 'failed'],
  waiting_for_mail: ['sending', 'waiting_for_mail', 'failed'],
  done: ['waiting_for_mail'],
  failed: ['waiting_for_mail'],
};

/** True when a job may go from status `from` to `to` (see {@link TRANSITIONS}). */
export function canMove(from: ExportStatus, to: ExportStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** True when `fields` move a job out of the held statuses, so its lease ends with the update. */
export function endsLease(fields: JobUpdate): boolean {
  return fields.status !== undefined && !HELD_STATUSES.includes(fields.status);
}

/** True when the job's file has been mailed or is being mailed. */
export function isMailed(status: ExportStatus): boolean {
  return MAILED_STATUSES.includes(status);
}

/** Why the file of `job` cannot be mailed again now: a conflict (try later, or never) or gone; else undefined. */
export function mailAgainRefusal(
  job: Pick<StoredJob, 'status' | 'filePath' | 'expiresAt' | 'downloadable'>
): { readonly kind: 'conflict' | 'gone'; readonly message: string } | undefined {
  if (job.status === 'sending') return { kind: 'conflict', message: MAIL_BEING_SENT };
  if (!job.filePath && !job.expiresAt) {
    return {
      kind: 'conflict',
      message:
        job.status === 'failed'
          ? 'this export has no file to mail; export again'
          : 'the export is not ready yet; it is mailed when it is',
    };
  }
  if (!job.downloadable || !job.filePath)
    return { kind: 'gone', message: 'the export file has expired; export again' };
  return undefined;
}

/** What the user is told when another replica started sending the mail first. */
export const MAIL_BEING_SENT = 'the mail is being sent right now';
