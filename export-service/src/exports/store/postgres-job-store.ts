import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { ACTIVE_STATUSES, endsLease } from '../lifecycle';
import { COLUMN_OF, newHolder, newLease, toStoredJob, type JobRow } from './job-row';
import type { Admission, HeldJob, JobStore, JobUpdate, NewExport, StoredJob, Usage } from './job-store';
import type { JobStoreOptions } from './sqlite-job-store';

/** Options of {@link PostgresJobStore.open}. */
export interface PostgresJobStoreOptions extends JobStoreOptions {
  /** Connections of this process at most. The default value is 10. */
  readonly maxConnections?: number;
  /** Told about an idle connection that broke (Postgres restarted, say); the pool replaces it. */
  readonly onConnectionError?: (error: Error) => void;
}

// Keys of the transaction-level advisory locks (pg_advisory_xact_lock(int, int)); "AULS" in ASCII.
const LOCKS = 0x41554c53;
const MIGRATION_LOCK = 1;
const CLAIM_LOCK = 2;
const USER_LOCKS = LOCKS + 1;

/** Schema versions, applied in order at start, each once (recorded in `auditlens_schema_migrations`). */
const MIGRATIONS: ReadonlyArray<{ readonly version: number; readonly sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE TABLE export_jobs (
        seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
        id TEXT PRIMARY KEY,
        uid TEXT,
        login TEXT NOT NULL,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        log_type TEXT NOT NULL,
        format TEXT NOT NULL,
        range_from TEXT NOT NULL,
        range_to TEXT NOT NULL,
        filters JSONB NOT NULL,
        timezone TEXT NOT NULL,
        status TEXT NOT NULL,
        rows BIGINT NOT NULL DEFAULT 0,
        bytes BIGINT NOT NULL DEFAULT 0,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        file_path TEXT,
        expires_at TIMESTAMPTZ,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        grant_digest TEXT UNIQUE,
        started_at TIMESTAMPTZ,
        next_attempt_at TIMESTAMPTZ,
        mail_attempts INTEGER NOT NULL DEFAULT 0,
        mail_since TIMESTAMPTZ,
        lease_owner TEXT,
        lease_until TIMESTAMPTZ
      );
      CREATE INDEX export_jobs_by_uid ON export_jobs (uid, created_at);
      CREATE INDEX export_jobs_by_status ON export_jobs (status, created_at);
      CREATE INDEX export_jobs_by_lease ON export_jobs (lease_owner) WHERE lease_owner IS NOT NULL;`,
  },
  { version: 2, sql: 'ALTER TABLE export_jobs ADD COLUMN estimated_rows BIGINT' },
];

const ACTIVE = ACTIVE_STATUSES.map((st) => `'${st}'`).join(', ');

/** A row as node-postgres hands it over (timestamps as Date, BIGINT as text, JSONB parsed). */
type PgRow = Omit<
  JobRow,
  | 'rows'
  | 'estimated_rows'
  | 'bytes'
  | 'filters'
  | 'expires_at'
  | 'created_at'
  | 'updated_at'
  | 'next_attempt_at'
  | 'mail_since'
> & {
  rows: string;
  estimated_rows: string | null;
  bytes: string;
  filters: Record<string, string>;
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  next_attempt_at: Date | null;
  mail_since: Date | null;
};

const isoOrNull = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function fromPg(r: PgRow): JobRow {
  return {
    ...r,
    rows: Number(r.rows),
    estimated_rows: r.estimated_rows === null ? null : Number(r.estimated_rows),
    bytes: Number(r.bytes),
    filters: JSON.stringify(r.filters),
    expires_at: isoOrNull(r.expires_at),
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
    next_attempt_at: isoOrNull(r.next_attempt_at),
    mail_since: isoOrNull(r.mail_since),
  };
}

/** Something that runs queries: the pool, or one connection inside a transaction. */
type Queryable = Pick<Pool, 'query'> | PoolClient;

/**
 * Export jobs in Postgres (`DATABASE_URL`), shared by any number of replicas of the service. Claims take the
 * next job `FOR UPDATE SKIP LOCKED` under one transaction-level advisory lock, so the per-user limit on running
 * jobs holds across replicas; new jobs are admitted under a lock per user, so the limits on exports on their
 * way and daily rows and bytes do too. The schema is migrated at start under an advisory lock (replicas may
 * start together).
 */
export class PostgresJobStore implements JobStore {
  private readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly holder = newHolder();

  private constructor(
    private readonly pool: Pool,
    options: JobStoreOptions
  ) {
    this.now = options.now ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  /** Connects to `url`, brings the schema up to date, and answers the store. */
  static async open(url: string, options: PostgresJobStoreOptions = {}): Promise<PostgresJobStore> {
    const pool = new Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      application_name: 'auditlens-export-service',
    });
    // An idle connection that breaks is reported here; without a listener it would end the process.
    pool.on('error', (error) => options.onConnectionError?.(error));
    const store = new PostgresJobStore(pool, options);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCKS, MIGRATION_LOCK]);
      await c.query(
        `CREATE TABLE IF NOT EXISTS auditlens_schema_migrations (
           version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`
      );
      const done = new Set(
        (await c.query<{ version: number }>('SELECT version FROM auditlens_schema_migrations')).rows.map(
          (r) => r.version
        )
      );
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO auditlens_schema_migrations (version) VALUES ($1)', [m.version]);
      }
    });
  }

  async create(e: NewExport): Promise<StoredJob> {
    return (await this.insert(this.pool, e, null))!;
  }

  async createFromGrant(
    e: NewExport,
    grantDigest: string,
    admission?: Admission
  ): Promise<StoredJob | undefined> {
    return this.transaction(async (c) => {
      if (admission) {
        const uid = e.requester.uid;
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [USER_LOCKS, uid]);
        admission.admit(await this.active(c, uid), await this.usage(c, uid, admission.usageSince));
      }
      return this.insert(c, e, grantDigest);
    });
  }

  private async insert(
    q: Queryable,
    e: NewExport,
    grantDigest: string | null
  ): Promise<StoredJob | undefined> {
    const at = this.iso();
    const row = await this.one(
      q,
      `INSERT INTO export_jobs (id, uid, login, email, name, log_type, format, range_from, range_to, filters,
         timezone, status, created_at, updated_at, grant_digest)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12, $12, $13)
       ON CONFLICT (grant_digest) DO NOTHING
       RETURNING *`,
      [
        randomUUID(),
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
        grantDigest,
      ]
    );
    return row && this.toJob(row);
  }

  async get(id: string): Promise<StoredJob | undefined> {
    const row = await this.one(this.pool, 'SELECT * FROM export_jobs WHERE id = $1', [id]);
    return row && this.toJob(row);
  }

  async listFor(uid: string, limit = 50): Promise<StoredJob[]> {
    const { rows } = await this.pool.query<PgRow>(
      'SELECT * FROM export_jobs WHERE uid = $1 ORDER BY created_at DESC, seq DESC LIMIT $2',
      [uid, limit]
    );
    return rows.map((r) => this.toJob(r));
  }

  async activeCount(uid: string): Promise<number> {
    return this.active(this.pool, uid);
  }

  private async active(q: Queryable, uid: string): Promise<number> {
    const { rows } = await q.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM export_jobs WHERE uid = $1 AND status IN (${ACTIVE})`,
      [uid]
    );
    return Number(rows[0]!.n);
  }

  async usageSince(uid: string, since: Date): Promise<Usage> {
    return this.usage(this.pool, uid, since);
  }

  private async usage(q: Queryable, uid: string, since: Date): Promise<Usage> {
    const { rows } = await q.query<{ rows: string; bytes: string; oldest: Date | null }>(
      `SELECT COALESCE(SUM(rows), 0) AS rows, COALESCE(SUM(bytes), 0) AS bytes, MIN(created_at) AS oldest
       FROM export_jobs WHERE uid = $1 AND created_at >= $2 AND NOT (status = 'failed' AND file_path IS NULL)`,
      [uid, since.toISOString()]
    );
    const r = rows[0]!;
    return { rows: Number(r.rows), bytes: Number(r.bytes), oldestAt: isoOrNull(r.oldest) };
  }

  async claimExport(perUser = 1): Promise<StoredJob | undefined> {
    return this.transaction(async (c) => {
      // One claim at a time across replicas: the count of a user's running jobs below then sees every claim
      // committed before, so two replicas cannot each start one of the same user's jobs past `perUser`.
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCKS, CLAIM_LOCK]);
      const at = this.iso();
      const row = await this.one(
        c,
        `UPDATE export_jobs SET status = 'running', attempts = attempts + 1, started_at = $1,
           next_attempt_at = NULL, updated_at = $1, lease_owner = $2, lease_until = $3
         WHERE status = 'queued' AND id = (
           SELECT j.id FROM export_jobs j
           WHERE j.status = 'queued' AND (j.next_attempt_at IS NULL OR j.next_attempt_at <= $1)
             AND (SELECT COUNT(*) FROM export_jobs r
                  WHERE r.uid IS NOT DISTINCT FROM j.uid AND r.status = 'running') < $4
           ORDER BY (SELECT MAX(s.started_at) FROM export_jobs s WHERE s.uid IS NOT DISTINCT FROM j.uid)
               ASC NULLS FIRST,
             j.created_at, j.seq
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [at, newLease(this.holder), this.leaseEnd(), perUser]
      );
      return row && this.toJob(row);
    });
  }

  async claimMail(): Promise<StoredJob | undefined> {
    const at = this.iso();
    const row = await this.one(
      this.pool,
      `UPDATE export_jobs SET status = 'sending', mail_attempts = mail_attempts + 1, next_attempt_at = NULL,
         updated_at = $1, lease_owner = $2, lease_until = $3
       WHERE status = 'waiting_for_mail' AND id = (
         SELECT id FROM export_jobs
         WHERE status = 'waiting_for_mail' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
         ORDER BY next_attempt_at ASC NULLS FIRST, seq
         LIMIT 1
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [at, newLease(this.holder), this.leaseEnd()]
    );
    return row && this.toJob(row);
  }

  async renewLeases(jobs: readonly HeldJob[]): Promise<Set<string>> {
    const leases = jobs.flatMap((j) => (j.lease === null ? [] : [j.lease]));
    if (leases.length === 0) return new Set();
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE export_jobs SET lease_until = $1
       WHERE lease_owner = ANY($2::text[]) AND status IN ('running', 'sending') RETURNING id`,
      [this.leaseEnd(), leases]
    );
    return new Set(rows.map((r) => r.id));
  }

  async recoverInterrupted(maxAttempts: number): Promise<string[]> {
    const at = this.iso();
    // Replicas share the table: only a lease that ran out (or none, which no claim leaves) means a gone process.
    const lost = '(lease_owner IS NULL OR lease_until < $1)';
    const { rows: failed } = await this.pool.query<{ id: string }>(
      `UPDATE export_jobs SET status = 'failed', updated_at = $1, lease_owner = NULL, lease_until = NULL,
         error = 'the export service stopped during this export ' || attempts || ' times; try a shorter time range'
       WHERE status = 'running' AND attempts >= $2 AND ${lost} RETURNING id`,
      [at, maxAttempts]
    );
    await this.pool.query(
      `UPDATE export_jobs SET status = 'queued', updated_at = $1, lease_owner = NULL, lease_until = NULL
       WHERE status = 'running' AND ${lost}`,
      [at]
    );
    await this.pool.query(
      `UPDATE export_jobs SET status = 'waiting_for_mail', next_attempt_at = $1, updated_at = $1,
         lease_owner = NULL, lease_until = NULL
       WHERE status = 'sending' AND ${lost}`,
      [at]
    );
    return failed.map((r) => r.id);
  }

  async update(id: string, fields: JobUpdate): Promise<void> {
    await this.write(id, fields, null);
  }

  async updateHeld(job: HeldJob, fields: JobUpdate): Promise<boolean> {
    if (job.lease === null) return false;
    return this.write(job.id, fields, job.lease);
  }

  private async write(id: string, fields: JobUpdate, lease: string | null): Promise<boolean> {
    const sets: string[] = [];
    const values: Array<string | number | null> = [];
    for (const [k, v] of Object.entries(fields) as Array<[keyof JobUpdate, string | number | null]>) {
      values.push(v);
      sets.push(`${COLUMN_OF[k]} = $${values.length}`);
    }
    if (endsLease(fields)) sets.push('lease_owner = NULL', 'lease_until = NULL');
    values.push(this.iso());
    sets.push(`updated_at = $${values.length}`);
    values.push(id);
    let where = `id = $${values.length}`;
    if (lease !== null) {
      values.push(lease);
      where += ` AND lease_owner = $${values.length}`;
    }
    const result = await this.pool.query(`UPDATE export_jobs SET ${sets.join(', ')} WHERE ${where}`, values);
    return (result.rowCount ?? 0) > 0;
  }

  async requestMail(id: string): Promise<StoredJob | undefined> {
    const row = await this.one(
      this.pool,
      `UPDATE export_jobs SET status = 'waiting_for_mail', next_attempt_at = $1, mail_since = $1,
         mail_attempts = 0, error = NULL, lease_owner = NULL, lease_until = NULL, updated_at = $1
       WHERE id = $2 AND status <> 'sending' AND file_path IS NOT NULL RETURNING *`,
      [this.iso(), id]
    );
    return row && this.toJob(row);
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const { rows } = await this.pool.query<{ status: string; n: string }>(
      'SELECT status, COUNT(*) AS n FROM export_jobs GROUP BY status'
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async expired(): Promise<StoredJob[]> {
    const { rows } = await this.pool.query<PgRow>(
      `SELECT * FROM export_jobs WHERE file_path IS NOT NULL
         AND (expires_at < $1 OR (expires_at IS NULL AND status IN ('done', 'failed')))`,
      [this.iso()]
    );
    return rows.map((r) => this.toJob(r));
  }

  async exportingIds(): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ id: string }>(
      "SELECT id FROM export_jobs WHERE status IN ('queued', 'running')"
    );
    return new Set(rows.map((r) => r.id));
  }

  async filePaths(): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ file_path: string }>(
      'SELECT file_path FROM export_jobs WHERE file_path IS NOT NULL'
    );
    return new Set(rows.map((r) => r.file_path));
  }

  private closing: Promise<void> | undefined;

  async close(): Promise<void> {
    this.closing ??= this.pool.end();
    await this.closing;
  }

  private async transaction<T>(work: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const result = await work(c);
      await c.query('COMMIT');
      c.release();
      return result;
    } catch (error) {
      // A connection that cannot even roll back is broken: the pool drops it instead of reusing it.
      const broken = await c.query('ROLLBACK').then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e : new Error(String(e)))
      );
      c.release(broken);
      throw error;
    }
  }

  private async one(q: Queryable, sql: string, values: unknown[]): Promise<PgRow | undefined> {
    const { rows } = await q.query<PgRow & QueryResultRow>(sql, values);
    return rows[0];
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private leaseEnd(): string {
    return new Date(this.now().getTime() + this.leaseMs).toISOString();
  }

  private toJob(r: PgRow): StoredJob {
    return toStoredJob(fromPg(r), this.now());
  }
}
