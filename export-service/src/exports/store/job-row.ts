import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ExportFormat, ExportStatus, LogType } from '@auditlens/contract';
import type { JobUpdate, StoredJob } from './job-store';

/** A job as both stores hand it over: times as ISO strings, numbers as numbers, filters as JSON text. */
export interface JobRow {
  id: string;
  uid: string | null;
  login: string;
  email: string;
  name: string;
  log_type: string;
  format: string;
  range_from: string;
  range_to: string;
  filters: string;
  timezone: string;
  status: string;
  rows: number;
  bytes: number;
  error: string | null;
  attempts: number;
  file_path: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  next_attempt_at: string | null;
  mail_attempts: number;
  mail_since: string | null;
  estimated_rows: number | null;
  lease_owner: string | null;
}

/** The column of each field of {@link JobUpdate}, the same in both stores. */
export const COLUMN_OF: Readonly<Record<keyof JobUpdate, string>> = {
  status: 'status',
  rows: 'rows',
  estimatedRows: 'estimated_rows',
  bytes: 'bytes',
  error: 'error',
  attempts: 'attempts',
  filePath: 'file_path',
  expiresAt: 'expires_at',
  nextAttemptAt: 'next_attempt_at',
  mailAttempts: 'mail_attempts',
  mailSince: 'mail_since',
};

/**
 * The holder name of this process's claims: host and pid tell an operator (and the HA tests) which replica runs
 * a job; the random part keeps a restarted process with the same pid from passing for its predecessor.
 */
export function newHolder(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** A claim of `holder`: unique, so an old claim never passes for a newer one of the same process. */
export function newLease(holder: string): string {
  return `${holder}:${randomUUID().slice(0, 8)}`;
}

/** The job of a row; `now` decides whether its file may still be downloaded. */
export function toStoredJob(r: JobRow, now: Date): StoredJob {
  const expired = r.expires_at === null || r.expires_at < now.toISOString();
  return {
    id: r.id,
    logType: r.log_type as LogType,
    format: r.format as ExportFormat,
    from: r.range_from,
    to: r.range_to,
    filters: JSON.parse(r.filters) as Record<string, string>,
    timezone: r.timezone,
    status: r.status as ExportStatus,
    rows: r.rows,
    estimatedRows: r.estimated_rows,
    bytes: r.bytes,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    downloadable: r.file_path !== null && !expired,
    nextAttemptAt: r.next_attempt_at,
    expiresAt: r.expires_at,
    requester: { uid: r.uid, login: r.login, email: r.email, name: r.name },
    attempts: r.attempts,
    filePath: r.file_path,
    mailAttempts: r.mail_attempts,
    mailSince: r.mail_since,
    lease: r.lease_owner,
  };
}
