import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import {
  LOCK_KEYS,
  LOCK_SPACE,
  NAMED_LOCK_SPACE,
  advisoryLock,
  inWriteTransaction,
  openDatabase,
  type Database,
  type DatabaseOptions,
  type DatabaseTarget,
} from '../../store/database';
import { ACTIVE_STATUSES, HELD_STATUSES, endsLease } from '../lifecycle';
import { EXPORT_JOB_MIGRATIONS } from './job-migrations';
import { columnsOf, isoOrNull, newHolder, newLease, toStoredJob, type JobTables } from './job-row';
import type { Admission, HeldJob, JobStore, JobUpdate, NewExport, StoredJob, Usage } from './job-store';

/** Options of the job store. */
export interface JobStoreOptions {
  /** The clock; tests pass their own. The default value is the system clock. */
  readonly now?: () => Date;
  /** How long a claim holds a job without being renewed, in ms. The default value is 30000. */
  readonly leaseMs?: number;
}

/** Options of {@link SqlJobStore.open}: the store's and the database's. */
export type OpenJobStoreOptions = JobStoreOptions & Omit<DatabaseOptions, 'features'>;

type Jobs = Kysely<JobTables>;

/**
 * Export jobs in the service's database, written once for both dialects (Kysely):
 *
 * - **Postgres** (`DATABASE_URL`), shared by any number of replicas. Claims take the next job `FOR UPDATE SKIP
 *   LOCKED` under one transaction-level advisory lock, so the per-user limit on running jobs holds across
 *   replicas; new jobs are admitted under a lock per user, so the limits on exports on their way and daily rows
 *   and bytes do too. Only an expired lease means a replica is gone.
 * - **SQLite** (`DATA_DIR/jobs.sqlite`), one process: its one connection runs each claim or admission in a write
 *   transaction, one at a time; a lease of another process in the file is of one that is gone.
 *
 * The only other differences: the tie-break of rows created in the same millisecond (Postgres's `seq`, SQLite's
 * `rowid`) and what each driver hands back (`job-row.ts`).
 */
export class SqlJobStore implements JobStore {
  private readonly db: Jobs;
  private readonly now: () => Date;
  private readonly leaseMs: number;
  /** Prefix of this process's claims; with SQLite, any other claim in the file is of a process that is gone. */
  private readonly holder = newHolder();
  private readonly postgres: boolean;
  /** The column that orders rows inserted at the same time as they were inserted. */
  private readonly seq: 'seq' | 'rowid';
  private ownDatabase: Database | undefined;

  /** The store on an open database that has had {@link EXPORT_JOB_MIGRATIONS}; the database's owner closes it. */
  constructor(
    private readonly database: Database,
    options: JobStoreOptions = {}
  ) {
    this.db = database.db.withTables<JobTables>();
    this.now = options.now ?? (() => new Date());
    this.leaseMs = options.leaseMs ?? 30_000;
    this.postgres = database.dialect === 'postgres';
    this.seq = this.postgres ? 'seq' : 'rowid';
  }

  /** Opens `target` with the job migrations applied, for this store alone: {@link close} closes it. */
  static async open(target: DatabaseTarget, options: OpenJobStoreOptions = {}): Promise<SqlJobStore> {
    const database = await openDatabase(target, { ...options, features: [EXPORT_JOB_MIGRATIONS] });
    const store = new SqlJobStore(database, options);
    store.ownDatabase = database;
    return store;
  }

  async create(e: NewExport): Promise<StoredJob> {
    return (await this.insert(this.db, e, null))!;
  }

  async createFromGrant(
    e: NewExport,
    grantDigest: string,
    admission?: Admission
  ): Promise<StoredJob | undefined> {
    return inWriteTransaction(this.database, async (trx) => {
      const db = trx.withTables<JobTables>();
      if (admission) {
        const uid = e.requester.uid;
        await advisoryLock(trx, this.database.dialect, NAMED_LOCK_SPACE, uid);
        admission.admit(await this.active(db, uid), await this.usage(db, uid, admission.usageSince));
      }
      return this.insert(db, e, grantDigest);
    });
  }

  private async insert(db: Jobs, e: NewExport, grantDigest: string | null): Promise<StoredJob | undefined> {
    const at = this.iso();
    const row = await db
      .insertInto('export_jobs')
      .values({
        id: randomUUID(),
        uid: e.requester.uid,
        login: e.requester.login,
        email: e.requester.email,
        name: e.requester.name,
        log_type: e.logType,
        format: e.format,
        range_from: e.from,
        range_to: e.to,
        filters: JSON.stringify(e.filters),
        timezone: e.timezone,
        status: 'queued',
        created_at: at,
        updated_at: at,
        grant_digest: grantDigest,
      })
      .onConflict((oc) => oc.column('grant_digest').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && this.toJob(row);
  }

  async get(id: string): Promise<StoredJob | undefined> {
    const row = await this.db.selectFrom('export_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.toJob(row);
  }

  async listFor(uid: string, limit = 50): Promise<StoredJob[]> {
    const rows = await this.db
      .selectFrom('export_jobs')
      .selectAll()
      .where('uid', '=', uid)
      .orderBy('created_at', 'desc')
      .orderBy(sql.ref(this.seq), 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => this.toJob(r));
  }

  async activeCount(uid: string): Promise<number> {
    return this.active(this.db, uid);
  }

  private async active(db: Jobs, uid: string): Promise<number> {
    const row = await db
      .selectFrom('export_jobs')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('uid', '=', uid)
      .where('status', 'in', ACTIVE_STATUSES)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async usageSince(uid: string, since: Date): Promise<Usage> {
    return this.usage(this.db, uid, since);
  }

  private async usage(db: Jobs, uid: string, since: Date): Promise<Usage> {
    const row = await db
      .selectFrom('export_jobs')
      .select((eb) => [
        eb.fn.coalesce(eb.fn.sum<number | string>('rows'), eb.lit(0)).as('rows'),
        eb.fn.coalesce(eb.fn.sum<number | string>('bytes'), eb.lit(0)).as('bytes'),
        eb.fn.min('created_at').as('oldest'),
      ])
      .where('uid', '=', uid)
      .where('created_at', '>=', since.toISOString())
      // An export that failed before making a file used nothing.
      .where((eb) => eb.not(eb.and([eb('status', '=', 'failed'), eb('file_path', 'is', null)])))
      .executeTakeFirstOrThrow();
    return { rows: Number(row.rows), bytes: Number(row.bytes), oldestAt: isoOrNull(row.oldest) };
  }

  async claimExport(perUser = 1): Promise<StoredJob | undefined> {
    return inWriteTransaction(this.database, async (trx) => {
      // One claim at a time across replicas: the count of a user's running jobs below then sees every claim
      // committed before, so two replicas cannot each start one of the same user's jobs past `perUser`.
      await advisoryLock(trx, this.database.dialect, LOCK_SPACE, LOCK_KEYS.exportClaim);
      const db = trx.withTables<JobTables>();
      const at = this.iso();
      const next = db
        .selectFrom('export_jobs as j')
        .select('j.id')
        .where('j.status', '=', 'queued')
        .where((eb) => eb.or([eb('j.next_attempt_at', 'is', null), eb('j.next_attempt_at', '<=', at)]))
        .where((eb) =>
          eb(
            eb
              .selectFrom('export_jobs as r')
              .select((r) => r.fn.countAll().as('n'))
              .whereRef('r.uid', 'is not distinct from', 'j.uid')
              .where('r.status', '=', 'running'),
            '<',
            perUser
          )
        )
        // Fair between users: the one whose last job started longest ago (or never) first.
        .orderBy(
          (eb) =>
            eb
              .selectFrom('export_jobs as s')
              .select((s) => s.fn.max('s.started_at').as('last'))
              .whereRef('s.uid', 'is not distinct from', 'j.uid'),
          (ob) => ob.asc().nullsFirst()
        )
        .orderBy('j.created_at')
        .orderBy(sql.ref(`j.${this.seq}`))
        .limit(1)
        // Postgres: rows other transactions hold are passed over instead of waited for.
        .$if(this.postgres, (q) => q.forUpdate().skipLocked());
      const row = await db
        .updateTable('export_jobs')
        .set((eb) => ({
          status: 'running',
          attempts: eb('attempts', '+', 1),
          started_at: at,
          next_attempt_at: null,
          updated_at: at,
          lease_owner: newLease(this.holder),
          lease_until: this.leaseEnd(),
        }))
        .where('status', '=', 'queued')
        .where('id', '=', next)
        .returningAll()
        .executeTakeFirst();
      return row && this.toJob(row);
    });
  }

  async claimMail(): Promise<StoredJob | undefined> {
    const at = this.iso();
    const next = this.db
      .selectFrom('export_jobs')
      .select('id')
      .where('status', '=', 'waiting_for_mail')
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', at)]))
      .orderBy('next_attempt_at', (ob) => ob.asc().nullsFirst())
      .orderBy(sql.ref(this.seq))
      .limit(1)
      .$if(this.postgres, (q) => q.forUpdate().skipLocked());
    const row = await this.db
      .updateTable('export_jobs')
      .set((eb) => ({
        status: 'sending',
        mail_attempts: eb('mail_attempts', '+', 1),
        next_attempt_at: null,
        updated_at: at,
        lease_owner: newLease(this.holder),
        lease_until: this.leaseEnd(),
      }))
      .where('status', '=', 'waiting_for_mail')
      .where('id', '=', next)
      .returningAll()
      .executeTakeFirst();
    return row && this.toJob(row);
  }

  async renewLeases(jobs: readonly HeldJob[]): Promise<Set<string>> {
    const leases = jobs.flatMap((j) => (j.lease === null ? [] : [j.lease]));
    if (leases.length === 0) return new Set();
    const rows = await this.db
      .updateTable('export_jobs')
      .set({ lease_until: this.leaseEnd() })
      .where('lease_owner', 'in', leases)
      .where('status', 'in', HELD_STATUSES)
      .returning('id')
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  async recoverInterrupted(maxAttempts: number): Promise<string[]> {
    const at = this.iso();
    const lost = (eb: ExpressionBuilder<JobTables, 'export_jobs'>) => {
      const prefix = `${this.holder}:`;
      return eb.or([
        eb('lease_owner', 'is', null), // before leases
        eb('lease_until', '<', at),
        // SQLite: one process uses the file, so a claim of another process is of one that is gone. Postgres:
        // replicas share the table, and only a lease that ran out means a gone one.
        ...(this.postgres
          ? []
          : [eb(eb.fn('substr', ['lease_owner', eb.val(1), eb.val(prefix.length)]), '<>', prefix)]),
      ]);
    };
    const released = { updated_at: at, lease_owner: null, lease_until: null };
    return inWriteTransaction(this.database, async (trx) => {
      const db = trx.withTables<JobTables>();
      const failed = await db
        .updateTable('export_jobs')
        .set({
          ...released,
          status: 'failed',
          error: sql<string>`'the export service stopped during this export ' || CAST(attempts AS TEXT) || ' times; try a shorter time range'`,
        })
        .where('status', '=', 'running')
        .where('attempts', '>=', maxAttempts)
        .where(lost)
        .returning('id')
        .execute();
      await db
        .updateTable('export_jobs')
        .set({ ...released, status: 'queued' })
        .where('status', '=', 'running')
        .where(lost)
        .execute();
      await db
        .updateTable('export_jobs')
        .set({ ...released, status: 'waiting_for_mail', next_attempt_at: at })
        .where('status', '=', 'sending')
        .where(lost)
        .execute();
      return failed.map((r) => r.id);
    });
  }

  async update(id: string, fields: JobUpdate): Promise<void> {
    await this.write(id, fields, null);
  }

  async updateHeld(job: HeldJob, fields: JobUpdate): Promise<boolean> {
    if (job.lease === null) return false;
    return this.write(job.id, fields, job.lease);
  }

  private async write(id: string, fields: JobUpdate, lease: string | null): Promise<boolean> {
    const result = await this.db
      .updateTable('export_jobs')
      .set({
        ...columnsOf(fields),
        ...(endsLease(fields) ? { lease_owner: null, lease_until: null } : {}),
        updated_at: this.iso(),
      })
      .where('id', '=', id)
      .$if(lease !== null, (q) => q.where('lease_owner', '=', lease))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async requestMail(id: string): Promise<StoredJob | undefined> {
    const at = this.iso();
    const row = await this.db
      .updateTable('export_jobs')
      .set({
        status: 'waiting_for_mail',
        next_attempt_at: at,
        mail_since: at,
        mail_attempts: 0,
        error: null,
        lease_owner: null,
        lease_until: null,
        updated_at: at,
      })
      .where('id', '=', id)
      .where('status', '<>', 'sending')
      .where('file_path', 'is not', null)
      .returningAll()
      .executeTakeFirst();
    return row && this.toJob(row);
  }

  async countsByStatus(): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('export_jobs')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async expired(): Promise<StoredJob[]> {
    const rows = await this.db
      .selectFrom('export_jobs')
      .selectAll()
      .where('file_path', 'is not', null)
      .where((eb) =>
        eb.or([
          eb('expires_at', '<', this.iso()),
          // The first release set no expiry when the mail failed.
          eb.and([eb('expires_at', 'is', null), eb('status', 'in', ['done', 'failed'])]),
        ])
      )
      .execute();
    return rows.map((r) => this.toJob(r));
  }

  async exportingIds(): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('export_jobs')
      .select('id')
      .where('status', 'in', ['queued', 'running'])
      .execute();
    return new Set(rows.map((r) => r.id));
  }

  async filePaths(): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('export_jobs')
      .select('file_path')
      .where('file_path', 'is not', null)
      .execute();
    return new Set(rows.flatMap((r) => (r.file_path === null ? [] : [r.file_path])));
  }

  /** Closes the database when the store opened it ({@link open}); else its owner does. Safe to call twice. */
  async close(): Promise<void> {
    await this.ownDatabase?.close();
  }

  private iso(): string {
    return this.now().toISOString();
  }

  private leaseEnd(): string {
    return new Date(this.now().getTime() + this.leaseMs).toISOString();
  }

  private toJob(r: Parameters<typeof toStoredJob>[0]): StoredJob {
    return toStoredJob(r, this.now());
  }
}
