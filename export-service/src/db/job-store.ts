import { randomUUID } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import type { ExportFormat, ExportJob, ExportStatus, LogType } from '@auditlens/contract';
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
  readonly attempts: number;
  readonly filePath: string | null;
  readonly expiresAt: string | null;
}

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

/**
 * Columns added after the first release, each created when a database lacks it. Jobs from before a column
 * existed keep NULL there: a job without `uid` belongs to nobody (a login is no proof of who asked).
 */
const ADDED_COLUMNS: ReadonlyArray<{
  readonly name: string;
  readonly definition: string;
  readonly index?: string;
}> = [
  {
    name: 'uid',
    definition: 'TEXT',
    index: 'CREATE INDEX IF NOT EXISTS jobs_by_uid ON jobs (uid, created_at)',
  },
];

/** Export jobs in an embedded SQLite database; survives restarts of the service. */
export class JobStore {
  private readonly db: DatabaseSync;

  constructor(
    path: string,
    private readonly now: () => Date = () => new Date()
  ) {
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode = WAL');
    for (const m of MIGRATIONS) this.db.exec(m);
    const existing = new Set(
      (this.db.prepare('PRAGMA table_info(jobs)').all() as Array<{ name: string }>).map((c) => c.name)
    );
    for (const column of ADDED_COLUMNS) {
      if (!existing.has(column.name))
        this.db.exec(`ALTER TABLE jobs ADD COLUMN ${column.name} ${column.definition}`);
      if (column.index) this.db.exec(column.index);
    }
  }

  /** Stores a new queued job. */
  create(e: NewExport): StoredJob {
    const id = randomUUID();
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO jobs (id, uid, login, email, name, log_type, format, range_from, range_to, filters, timezone, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`
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
        at
      );
    return this.get(id)!;
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

  /** Takes the oldest queued job, or one left running or sending by a stopped service, and marks it running. */
  claimNext(): StoredJob | undefined {
    const row = this.db
      .prepare(
        "SELECT * FROM jobs WHERE status IN ('queued', 'running', 'sending') ORDER BY created_at, rowid LIMIT 1"
      )
      .get() as JobRow | undefined;
    if (!row) return undefined;
    this.update(row.id, {
      status: row.status === 'sending' ? 'sending' : 'running',
      attempts: row.attempts + 1,
    });
    return this.get(row.id);
  }

  /** Updates some fields of a job. */
  update(
    id: string,
    fields: Partial<{
      status: ExportStatus;
      rows: number;
      bytes: number;
      error: string | null;
      attempts: number;
      filePath: string | null;
      expiresAt: string | null;
    }>
  ): void {
    const columns: Record<string, string> = {
      status: 'status',
      rows: 'rows',
      bytes: 'bytes',
      error: 'error',
      attempts: 'attempts',
      filePath: 'file_path',
      expiresAt: 'expires_at',
    };
    const sets: string[] = [];
    const values: Array<string | number | null> = [];
    for (const [k, v] of Object.entries(fields)) {
      sets.push(`${columns[k]} = ?`);
      values.push(v as string | number | null);
    }
    sets.push('updated_at = ?');
    values.push(this.now().toISOString());
    this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
  }

  /** Counts of jobs by status, for metrics. */
  countsByStatus(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all() as Array<{
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** Done jobs whose file has expired. */
  expired(): StoredJob[] {
    const rows = this.db
      .prepare('SELECT * FROM jobs WHERE file_path IS NOT NULL AND expires_at IS NOT NULL AND expires_at < ?')
      .all(this.now().toISOString()) as unknown as JobRow[];
    return rows.map((r) => this.toJob(r));
  }

  close(): void {
    this.db.close();
  }

  private toJob(r: JobRow): StoredJob {
    const expired = r.expires_at !== null && r.expires_at < this.now().toISOString();
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
      bytes: r.bytes,
      error: r.error,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      downloadable: r.status === 'done' && r.file_path !== null && !expired,
      requester: { uid: r.uid, login: r.login, email: r.email, name: r.name },
      attempts: r.attempts,
      filePath: r.file_path,
      expiresAt: r.expires_at,
    };
  }
}
