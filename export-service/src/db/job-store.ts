import { randomUUID } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import {
  EXPORT_ACTIVE_STATUSES,
  type ExportFormat,
  type ExportJob,
  type ExportStatus,
  type LogType,
} from '@auditlens/contract';
import type { JobRequester, Requester } from '../auth/requester';

/** A new export as requested. */
export interface NewExport {
  readonly requester: Requester;
  readonly logType: LogType;
  readonly format: ExportFormat;
  readonly from: string;
  readonly to: string;
  readonly filters: Readonly<Record<string, string>>;
  readonly timezone: string;
}

/** A stored export job with what the runner needs. */
export interface StoredJob extends ExportJob {
  readonly requester: JobRequester;
  /** Export attempts started (a claim counts one, so a crash counts too). */
  readonly attempts: number;
  readonly filePath: string | null;
  /** Mail attempts in the current delivery (reset when the user asks for the mail again). */
  readonly mailAttempts: number;
  /** Start of the current delivery's retry window. */
  readonly mailSince: string | null;
}

/** What a requester used in a period: rows and bytes of exports that did not fail before making a file. */
export interface Usage {
  readonly rows: number;
  readonly bytes: number;
  /** When the oldest counted export was created (it leaves the window first); null when none counts. */
  readonly oldestAt: string | null;
}

/** Fields the runner and routes change. */
export type JobUpdate = Partial<{
  status: ExportStatus;
  rows: number;
  estimatedRows: number | null;
  bytes: number;
  error: string | null;
  attempts: number;
  filePath: string | null;
  expiresAt: string | null;
  nextAttemptAt: string | null;
  mailAttempts: number;
  mailSince: string | null;
}>;

interface JobRow {
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
}

const MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS jobs (
     id TEXT PRIMARY KEY, login TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL,
     log_type TEXT NOT NULL, format TEXT NOT NULL, range_from TEXT NOT NULL, range_to TEXT NOT NULL,
     filters TEXT NOT NULL, timezone TEXT NOT NULL, status TEXT NOT NULL,
     rows INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0, error TEXT,
     attempts INTEGER NOT NULL DEFAULT 0, file_path TEXT, expires_at TEXT,
     created_at TEXT NOT NULL, updated_at TEXT NOT NULL)`,
  'CREATE INDEX IF NOT EXISTS jobs_by_login ON jobs (login, created_at)',
  'CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_at)',
];

// Columns added after the first release; added to an existing database at start. Jobs from before `uid`
// existed keep NULL there: a job without `uid` belongs to nobody (a login is no proof of who asked).
const ADDED_COLUMNS: ReadonlyArray<readonly [name: string, definition: string]> = [
  ['uid', 'TEXT'],
  ['grant_digest', 'TEXT'],
  ['started_at', 'TEXT'],
  ['next_attempt_at', 'TEXT'],
  ['mail_attempts', 'INTEGER NOT NULL DEFAULT 0'],
  ['mail_since', 'TEXT'],
  ['estimated_rows', 'INTEGER'],
];
// A grant makes one export: a second job with the same grant is refused by this index.
const AFTER_COLUMNS = [
  'CREATE UNIQUE INDEX IF NOT EXISTS jobs_by_grant ON jobs (grant_digest)',
  'CREATE INDEX IF NOT EXISTS jobs_by_uid ON jobs (uid, created_at)',
];

const ACTIVE = EXPORT_ACTIVE_STATUSES.map((st) => `'${st}'`).join(', ');

const COLUMN_OF: Readonly<Record<keyof JobUpdate, string>> = {
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

/** Export jobs in an embedded SQLite database; survives restarts of the service. */
export class JobStore {
  private readonly db: DatabaseSync;

  constructor(
    path: string,
    private readonly now: () => Date = () => new Date()
  ) {
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL');
    // Two processes never share the file, but a slow disk must not turn a write into SQLITE_BUSY at once.
    this.db.exec('PRAGMA busy_timeout = 5000');
    for (const m of MIGRATIONS) this.db.exec(m);
    const present = new Set(
      (this.db.prepare('PRAGMA table_info(jobs)').all() as Array<{ name: string }>).map((c) => c.name)
    );
    for (const [name, definition] of ADDED_COLUMNS)
      if (!present.has(name)) this.db.exec(`ALTER TABLE jobs ADD COLUMN ${name} ${definition}`);
    for (const m of AFTER_COLUMNS) this.db.exec(m);
  }

  /** Stores a new queued job. */
  create(e: NewExport): StoredJob {
    return this.insert(e, null)!;
  }

  /** Stores a new queued job made from a grant; at most one job is ever made from one: undefined when used before. */
  createFromGrant(e: NewExport, grantDigest: string): StoredJob | undefined {
    return this.insert(e, grantDigest);
  }

  private insert(e: NewExport, grantDigest: string | null): StoredJob | undefined {
    const id = randomUUID();
    const at = this.now().toISOString();
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO jobs (id, uid, login, email, name, log_type, format, range_from, range_to, filters,
           timezone, status, created_at, updated_at, grant_digest)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`
      )
      .run(
        id,
        e.requester.uid,
        e.requester.login,
        e.requester.email,
        e.requester.name,
        e.logType,
        e.format,
        e.from,
        e.to,
        JSON.stringify(e.filters),
        e.timezone,
        at,
        at,
        grantDigest
      );
    return result.changes === 0 ? undefined : this.get(id);
  }

  get(id: string): StoredJob | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && this.toJob(row);
  }

  /** The jobs of the Grafana user `uid`, newest first. */
  listFor(uid: string, limit = 50): StoredJob[] {
    const rows = this.db
      .prepare('SELECT * FROM jobs WHERE uid = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
      .all(uid, limit) as unknown as JobRow[];
    return rows.map((r) => this.toJob(r));
  }

  /** How many of the requester's exports are on their way (queued, running, sending or waiting for mail). */
  activeCount(uid: string): number {
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n FROM jobs WHERE uid = ? AND status IN (${ACTIVE})`)
      .get(uid) as { n: number };
    return row.n;
  }

  /** Rows and bytes of the requester's exports created since `since`, except those that failed without a file. */
  usageSince(uid: string, since: Date): Usage {
    const row = this.db
      .prepare(
        `SELECT COALESCE(SUM(rows), 0) AS rows, COALESCE(SUM(bytes), 0) AS bytes, MIN(created_at) AS oldest
         FROM jobs WHERE uid = ? AND created_at >= ? AND NOT (status = 'failed' AND file_path IS NULL)`
      )
      .get(uid, since.toISOString()) as { rows: number; bytes: number; oldest: string | null };
    return { rows: row.rows, bytes: row.bytes, oldestAt: row.oldest };
  }

  /**
   * Takes the next queued job that is due and marks it running, counting an attempt. Fair between users: only
   * users with fewer than `perUser` running jobs are considered, and among them the one whose last job started
   * longest ago (or never) goes first; a user's own jobs go oldest first.
   */
  claimExport(perUser = 1): StoredJob | undefined {
    const at = this.now().toISOString();
    const row = this.db
      .prepare(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ?, next_attempt_at = NULL,
           updated_at = ?
         WHERE id = (
           SELECT j.id FROM jobs j
           WHERE j.status = 'queued' AND (j.next_attempt_at IS NULL OR j.next_attempt_at <= ?)
             AND (SELECT COUNT(*) FROM jobs r WHERE r.uid IS j.uid AND r.status = 'running') < ?
           ORDER BY (SELECT MAX(s.started_at) FROM jobs s WHERE s.uid IS j.uid) ASC NULLS FIRST,
             j.created_at, j.rowid
           LIMIT 1)
         RETURNING *`
      )
      .get(at, at, at, perUser) as JobRow | undefined;
    return row && this.toJob(row);
  }

  /** Takes the next job whose mail is due and marks it sending, counting a mail attempt. */
  claimMail(): StoredJob | undefined {
    const at = this.now().toISOString();
    const row = this.db
      .prepare(
        `UPDATE jobs SET status = 'sending', mail_attempts = mail_attempts + 1, next_attempt_at = NULL,
           updated_at = ?
         WHERE id = (
           SELECT id FROM jobs WHERE status = 'waiting_for_mail' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
           ORDER BY next_attempt_at, rowid LIMIT 1)
         RETURNING *`
      )
      .get(at, at) as JobRow | undefined;
    return row && this.toJob(row);
  }

  /**
   * Puts back what a stopped or killed process left in progress: running jobs are queued again, or failed
   * once they have had `maxAttempts` attempts (so a job that kills the process cannot crash-loop it), and
   * mails being sent are tried again. Returns the ids failed.
   */
  recoverInterrupted(maxAttempts: number): string[] {
    const at = this.now().toISOString();
    const failed = this.db
      .prepare(
        `UPDATE jobs SET status = 'failed', updated_at = ?,
           error = 'the export service stopped during this export ' || attempts || ' times; try a shorter time range'
         WHERE status = 'running' AND attempts >= ? RETURNING id`
      )
      .all(at, maxAttempts) as Array<{ id: string }>;
    this.db.prepare("UPDATE jobs SET status = 'queued', updated_at = ? WHERE status = 'running'").run(at);
    this.db
      .prepare(
        "UPDATE jobs SET status = 'waiting_for_mail', next_attempt_at = ?, updated_at = ? WHERE status = 'sending'"
      )
      .run(at, at);
    return failed.map((r) => r.id);
  }

  /** Updates some fields of a job. */
  update(id: string, fields: JobUpdate): void {
    const sets: string[] = [];
    const values: Array<string | number | null> = [];
    for (const [k, v] of Object.entries(fields) as Array<[keyof JobUpdate, string | number | null]>) {
      sets.push(`${COLUMN_OF[k]} = ?`);
      values.push(v);
    }
    sets.push('updated_at = ?');
    values.push(this.now().toISOString());
    this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  /** Asks for the job's mail (again): due at once, with a fresh retry window. */
  requestMail(id: string): void {
    const at = this.now().toISOString();
    this.update(id, {
      status: 'waiting_for_mail',
      nextAttemptAt: at,
      mailSince: at,
      mailAttempts: 0,
      error: null,
    });
  }

  /** Counts of jobs by status, for metrics. */
  countsByStatus(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all() as Array<{
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /**
   * Jobs (done, failed or waiting) whose file has expired, and finished ones whose file never got an expiry
   * (the first release set none when the mail failed).
   */
  expired(): StoredJob[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE file_path IS NOT NULL
           AND (expires_at < ? OR (expires_at IS NULL AND status IN ('done', 'failed')))`
      )
      .all(this.now().toISOString()) as unknown as JobRow[];
    return rows.map((r) => this.toJob(r));
  }

  /** Ids of jobs still being exported, whose files in the export folder are in use. */
  exportingIds(): Set<string> {
    const rows = this.db.prepare("SELECT id FROM jobs WHERE status IN ('queued', 'running')").all() as Array<{
      id: string;
    }>;
    return new Set(rows.map((r) => r.id));
  }

  /** Every export file a job still refers to. */
  filePaths(): Set<string> {
    const rows = this.db.prepare('SELECT file_path FROM jobs WHERE file_path IS NOT NULL').all() as Array<{
      file_path: string;
    }>;
    return new Set(rows.map((r) => r.file_path));
  }

  close(): void {
    this.db.close();
  }

  private toJob(r: JobRow): StoredJob {
    const expired = r.expires_at === null || r.expires_at < this.now().toISOString();
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
    };
  }
}
