import { randomUUID } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import { ACTIVE_STATUSES, endsLease } from '../lifecycle';
import { COLUMN_OF, newHolder, newLease, toStoredJob, type JobRow } from './job-row';
import type { Admission, HeldJob, JobStore, JobUpdate, NewExport, StoredJob, Usage } from './job-store';

/** Options of the job stores. */
export interface JobStoreOptions {
  /** The clock; tests pass their own. The default value is the system clock. */
  readonly now?: () => Date;
  /** How long a claim holds a job without being renewed, in ms. The default value is 30000. */
  readonly leaseMs?: number;
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
  ['lease_owner', 'TEXT'],
  ['lease_until', 'TEXT'],
  ['estimated_rows', 'INTEGER'],
];
// A grant makes one export: a second job with the same grant is refused by this index.
const AFTER_COLUMNS = [
  'CREATE UNIQUE INDEX IF NOT EXISTS jobs_by_grant ON jobs (grant_digest)',
  'CREATE INDEX IF NOT EXISTS jobs_by_uid ON jobs (uid, created_at)',
];

const ACTIVE = ACTIVE_STATUSES.map((st) => `'${st}'`).join(', ');

/**
 * Export jobs in an embedded SQLite database (`node:sqlite`): survives restarts of the service, needs no setup,
 * serves one process. Its calls are synchronous, so each method is atomic within the process.
 */
export class SqliteJobStore implements JobStore {
  private readonly db: DatabaseSync;
  private readonly now: () => Date;
  private readonly leaseMs: number;
  /** Prefix of this process's claims; any other claim in the file is of a process that is gone. */
  private readonly holder = newHolder();

  constructor(path: string, options: JobStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? 30_000;
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL');
    // One process uses the file, but a slow disk must not turn a write into SQLITE_BUSY at once.
    this.db.exec('PRAGMA busy_timeout = 5000');
    for (const m of MIGRATIONS) this.db.exec(m);
    const present = new Set(
      (this.db.prepare('PRAGMA table_info(jobs)').all() as Array<{ name: string }>).map((c) => c.name)
    );
    for (const [name, definition] of ADDED_COLUMNS)
      if (!present.has(name)) this.db.exec(`ALTER TABLE jobs ADD COLUMN ${name} ${definition}`);
    for (const m of AFTER_COLUMNS) this.db.exec(m);
  }

  async create(e: NewExport): Promise<StoredJob> {
    return this.insert(e, null)!;
  }

  async createFromGrant(
    e: NewExport,
    grantDigest: string,
    admission?: Admission
  ): Promise<StoredJob | undefined> {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (admission) {
        const uid = e.requester.uid;
        admission.admit(this.active(uid), this.usage(uid, admission.usageSince));
      }
      const job = this.insert(e, grantDigest);
      this.db.exec('COMMIT');
      return job;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private insert(e: NewExport, grantDigest: string | null): StoredJob | undefined {
    const id = randomUUID();
    const at = this.iso();
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
    return result.changes === 0 ? undefined : this.read(id);
  }

  async get(id: string): Promise<StoredJob | undefined> {
    return this.read(id);
  }

  private read(id: string): StoredJob | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && this.toJob(row);
  }

  async listFor(uid: string, limit = 50): Promise<StoredJob[]> {
    const rows = this.db
      .prepare('SELECT * FROM jobs WHERE uid = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
      .all(uid, limit) as unknown as JobRow[];
    return rows.map((r) => this.toJob(r));
  }

  async activeCount(uid: string): Promise<number> {
    return this.active(uid);
  }

  private active(uid: string): number {
    const row = this.db
      .prepare(`SELECT COUNT(*) AS n FROM jobs WHERE uid = ? AND status IN (${ACTIVE})`)
      .get(uid) as { n: number };
    return row.n;
  }

  async usageSince(uid: string, since: Date): Promise<Usage> {
    return this.usage(uid, since);
  }

  private usage(uid: string, since: Date): Usage {
    const row = this.db
      .prepare(
        `SELECT COALESCE(SUM(rows), 0) AS rows, COALESCE(SUM(bytes), 0) AS bytes, MIN(created_at) AS oldest
         FROM jobs WHERE uid = ? AND created_at >= ? AND NOT (status = 'failed' AND file_path IS NULL)`
      )
      .get(uid, since.toISOString()) as { rows: number; bytes: number; oldest: string | null };
    return { rows: row.rows, bytes: row.bytes, oldestAt: row.oldest };
  }

  async claimExport(perUser = 1): Promise<StoredJob | undefined> {
    const at = this.iso();
    const row = this.db
      .prepare(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = ?, next_attempt_at = NULL,
           updated_at = ?, lease_owner = ?, lease_until = ?
         WHERE id = (
           SELECT j.id FROM jobs j
           WHERE j.status = 'queued' AND (j.next_attempt_at IS NULL OR j.next_attempt_at <= ?)
             AND (SELECT COUNT(*) FROM jobs r WHERE r.uid IS j.uid AND r.status = 'running') < ?
           ORDER BY (SELECT MAX(s.started_at) FROM jobs s WHERE s.uid IS j.uid) ASC NULLS FIRST,
             j.created_at, j.rowid
           LIMIT 1)
         RETURNING *`
      )
      .get(at, at, newLease(this.holder), this.leaseEnd(), at, perUser) as JobRow | undefined;
    return row && this.toJob(row);
  }

  async claimMail(): Promise<StoredJob | undefined> {
    const at = this.iso();
    const row = this.db
      .prepare(
        `UPDATE jobs SET status = 'sending', mail_attempts = mail_attempts + 1, next_attempt_at = NULL,
           updated_at = ?, lease_owner = ?, lease_until = ?
         WHERE id = (
           SELECT id FROM jobs WHERE status = 'waiting_for_mail' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
           ORDER BY next_attempt_at, rowid LIMIT 1)
         RETURNING *`
      )
      .get(at, newLease(this.holder), this.leaseEnd(), at) as JobRow | undefined;
    return row && this.toJob(row);
  }

  async renewLeases(jobs: readonly HeldJob[]): Promise<Set<string>> {
    const held = new Set<string>();
    const renew = this.db.prepare(
      `UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ? AND status IN ('running', 'sending')`
    );
    const until = this.leaseEnd();
    for (const job of jobs)
      if (job.lease !== null && renew.run(until, job.id, job.lease).changes > 0) held.add(job.id);
    return held;
  }

  async recoverInterrupted(maxAttempts: number): Promise<string[]> {
    const at = this.iso();
    // Held by another process (in a file one process uses: a gone one), by none (before leases), or run out.
    const lost = `(lease_owner IS NULL OR substr(lease_owner, 1, length(?)) <> ? OR lease_until < ?)`;
    const prefix = `${this.holder}:`;
    const failed = this.db
      .prepare(
        `UPDATE jobs SET status = 'failed', updated_at = ?, lease_owner = NULL, lease_until = NULL,
           error = 'the export service stopped during this export ' || attempts || ' times; try a shorter time range'
         WHERE status = 'running' AND attempts >= ? AND ${lost} RETURNING id`
      )
      .all(at, maxAttempts, prefix, prefix, at) as Array<{ id: string }>;
    this.db
      .prepare(
        `UPDATE jobs SET status = 'queued', updated_at = ?, lease_owner = NULL, lease_until = NULL
         WHERE status = 'running' AND ${lost}`
      )
      .run(at, prefix, prefix, at);
    this.db
      .prepare(
        `UPDATE jobs SET status = 'waiting_for_mail', next_attempt_at = ?, updated_at = ?, lease_owner = NULL,
           lease_until = NULL
         WHERE status = 'sending' AND ${lost}`
      )
      .run(at, at, prefix, prefix, at);
    return failed.map((r) => r.id);
  }

  async update(id: string, fields: JobUpdate): Promise<void> {
    this.write(id, fields, null);
  }

  async updateHeld(job: HeldJob, fields: JobUpdate): Promise<boolean> {
    if (job.lease === null) return false;
    return this.write(job.id, fields, job.lease);
  }

  private write(id: string, fields: JobUpdate, lease: string | null): boolean {
    const sets: string[] = [];
    const values: Array<string | number | null> = [];
    for (const [k, v] of Object.entries(fields) as Array<[keyof JobUpdate, string | number | null]>) {
      sets.push(`${COLUMN_OF[k]} = ?`);
      values.push(v);
    }
    if (endsLease(fields)) sets.push('lease_owner = NULL', 'lease_until = NULL');
    sets.push('updated_at = ?');
    values.push(this.iso());
    const where = lease === null ? 'id = ?' : 'id = ? AND lease_owner = ?';
    const keys = lease === null ? [id] : [id, lease];
    return (
      this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE ${where}`).run(...values, ...keys).changes > 0
    );
  }

  async requestMail(id: string): Promise<StoredJob | undefined> {
    const at = this.iso();
    const row = this.db
      .prepare(
        `UPDATE jobs SET status = 'waiting_for_mail', next_attempt_at = ?, mail_since = ?, mail_attempts = 0,
           error = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ?
         WHERE id = ? AND status <> 'sending' AND file_path IS NOT NULL RETURNING *`
      )
      .get(at, at, at, id) as JobRow | undefined;
    return row && this.toJob(row);
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all() as Array<{
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async expired(): Promise<StoredJob[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE file_path IS NOT NULL
           AND (expires_at < ? OR (expires_at IS NULL AND status IN ('done', 'failed')))`
      )
      .all(this.iso()) as unknown as JobRow[];
    return rows.map((r) => this.toJob(r));
  }

  async exportingIds(): Promise<Set<string>> {
    const rows = this.db.prepare("SELECT id FROM jobs WHERE status IN ('queued', 'running')").all() as Array<{
      id: string;
    }>;
    return new Set(rows.map((r) => r.id));
  }

  async filePaths(): Promise<Set<string>> {
    const rows = this.db.prepare('SELECT file_path FROM jobs WHERE file_path IS NOT NULL').all() as Array<{
      file_path: string;
    }>;
    return new Set(rows.map((r) => r.file_path));
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private leaseEnd(): string {
    return new Date(this.now().getTime() + this.leaseMs).toISOString();
  }

  private toJob(r: JobRow): StoredJob {
    return toStoredJob(r, this.now());
  }
}
