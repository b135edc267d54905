import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ExportFormat, ExportStatus, LogType } from '@auditlens/contract';
import type { ColumnType, Selectable, Updateable } from 'kysely';
import type { JobUpdate, StoredJob } from './job-store';

/**
 * The table of export jobs as Kysely types it. A column reads as either driver gives it: Postgres gives
 * `timestamptz` as `Date`, `bigint` as text and `jsonb` parsed; SQLite gives ISO text, numbers and JSON text.
 * Writes are ISO text, numbers and JSON text in both.
 */
export interface ExportJobsTable {
  id: ColumnType<string, string, never>;
  uid: ColumnType<string | null, string, never>;
  login: ColumnType<string, string, never>;
  email: ColumnType<string, string, never>;
  name: ColumnType<string, string, never>;
  log_type: ColumnType<string, string, never>;
  format: ColumnType<string, string, never>;
  range_from: ColumnType<string, string, never>;
  range_to: ColumnType<string, string, never>;
  filters: ColumnType<string | Record<string, string>, string, never>;
  timezone: ColumnType<string, string, never>;
  status: ColumnType<string, ExportStatus, ExportStatus>;
  rows: ColumnType<Count, never, number>;
  bytes: ColumnType<Count, never, number>;
  estimated_rows: ColumnType<Count | null, never, number | null>;
  error: ColumnType<string | null, never, string | null>;
  attempts: ColumnType<number, never, number>;
  file_path: ColumnType<string | null, never, string | null>;
  expires_at: ColumnType<Time | null, never, string | null>;
  created_at: ColumnType<Time, string, never>;
  updated_at: ColumnType<Time, string, string>;
  grant_digest: ColumnType<string | null, string | null, never>;
  started_at: ColumnType<Time | null, never, string | null>;
  next_attempt_at: ColumnType<Time | null, never, string | null>;
  mail_attempts: ColumnType<number, never, number>;
  mail_since: ColumnType<Time | null, never, string | null>;
  lease_owner: ColumnType<string | null, never, string | null>;
  lease_until: ColumnType<Time | null, never, string | null>;
}

/** A time as read: `Date` from Postgres, ISO text from SQLite. */
type Time = string | Date;
/** A count as read: text from Postgres's `bigint`, a number from SQLite. */
type Count = number | string;

/** The tables of the job store. */
// A type, not an interface: Kysely's table maps need an index signature, which only type literals have implicitly.
export type JobTables = { export_jobs: ExportJobsTable };

/** The columns of {@link JobUpdate}'s fields (fields left out stay undefined, which Kysely leaves alone). */
export function columnsOf(f: JobUpdate): Updateable<ExportJobsTable> {
  return {
    status: f.status,
    rows: f.rows,
    estimated_rows: f.estimatedRows,
    bytes: f.bytes,
    error: f.error,
    attempts: f.attempts,
    file_path: f.filePath,
    expires_at: f.expiresAt,
    next_attempt_at: f.nextAttemptAt,
    mail_attempts: f.mailAttempts,
    mail_since: f.mailSince,
  };
}

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

/** The job of a row as either driver reads it; `now` decides whether its file may still be downloaded. */
export function toStoredJob(r: Selectable<ExportJobsTable>, now: Date): StoredJob {
  const expiresAt = isoOrNull(r.expires_at);
  const expired = expiresAt === null || expiresAt < now.toISOString();
  return {
    id: r.id,
    logType: r.log_type as LogType,
    format: r.format as ExportFormat,
    from: r.range_from,
    to: r.range_to,
    filters: typeof r.filters === 'string' ? (JSON.parse(r.filters) as Record<string, string>) : r.filters,
    timezone: r.timezone,
    status: r.status as ExportStatus,
    rows: Number(r.rows),
    estimatedRows: r.estimated_rows === null ? null : Number(r.estimated_rows),
    bytes: Number(r.bytes),
    error: r.error,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    downloadable: r.file_path !== null && !expired,
    nextAttemptAt: isoOrNull(r.next_attempt_at),
    expiresAt,
    requester: { uid: r.uid, login: r.login, email: r.email, name: r.name },
    attempts: r.attempts,
    filePath: r.file_path,
    mailAttempts: r.mail_attempts,
    mailSince: isoOrNull(r.mail_since),
    lease: r.lease_owner,
  };
}

/** A time as ISO text, read from either driver. */
export function iso(t: Time): string {
  return typeof t === 'string' ? t : t.toISOString();
}

/** {@link iso}, or null. */
export function isoOrNull(t: Time | null): string | null {
  return t === null ? null : iso(t);
}
