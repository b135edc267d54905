import type { ExportFormat, ExportJob, ExportStatus, LogType } from '@auditlens/contract';
import type { JobRequester, Requester } from '../../auth/requester';

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
  /** The export file's name in the export file storage (older jobs: its absolute path), or null. */
  readonly filePath: string | null;
  /** Mail attempts in the current delivery (reset when the user asks for the mail again). */
  readonly mailAttempts: number;
  /** Start of the current delivery's retry window. */
  readonly mailSince: string | null;
  /**
   * The claim holding the job while it is running or sending (`<host>:<pid>:<process>:<claim>`), else null. Only
   * the holder of this claim may change the job through {@link JobStore.updateHeld}.
   */
  readonly lease: string | null;
}

/** What a requester used in a period: rows and bytes of exports that did not fail before making a file. */
export interface Usage {
  readonly rows: number;
  readonly bytes: number;
  /** When the oldest counted export was created (it leaves the window first); null when none counts. */
  readonly oldestAt: string | null;
}

/**
 * What a new job must pass: checked with the insert under one lock per requester, so that requests on several
 * replicas (or interleaved in one) cannot together pass the requester's limits.
 */
export interface Admission {
  /** Start of the period whose usage is counted. */
  readonly usageSince: Date;
  /** Throws (a 429) when the requester may not start another export now. */
  admit(active: number, used: Usage): void;
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

/** The part of a claimed job that proves the claim. */
export type HeldJob = Pick<StoredJob, 'id' | 'lease'>;

/**
 * Export jobs, shared by every replica of the service that uses the same store: SQLite (one process) or Postgres
 * (any number), both `SqlJobStore`. Claims are leases: the process that claims a job renews its lease while it
 * works on it; a job whose lease ran out (its process died) is put back by {@link recoverInterrupted} in any
 * process and taken up again from the start. The same semantics in both dialects (`job-store.test.ts` runs
 * against each).
 */
export interface JobStore {
  /** Stores a new queued job. */
  create(e: NewExport): Promise<StoredJob>;
  /**
   * Stores a new queued job made from a grant, once `admission` lets it in; at most one job is ever made from one
   * grant: undefined when used before.
   */
  createFromGrant(e: NewExport, grantDigest: string, admission?: Admission): Promise<StoredJob | undefined>;
  get(id: string): Promise<StoredJob | undefined>;
  /** The jobs of the Grafana user `uid`, newest first. */
  listFor(uid: string, limit?: number): Promise<StoredJob[]>;
  /** How many of the requester's exports are on their way (queued, running, sending or waiting for mail). */
  activeCount(uid: string): Promise<number>;
  /** Rows and bytes of the requester's exports created since `since`, except those that failed without a file. */
  usageSince(uid: string, since: Date): Promise<Usage>;
  /**
   * Takes the next queued job that is due, marks it running under a new lease of this process, counting an
   * attempt. Fair between users: only users with fewer than `perUser` running jobs (in every process together)
   * are considered, and among them the one whose last job started longest ago (or never) goes first; a user's
   * own jobs go oldest first.
   */
  claimExport(perUser?: number): Promise<StoredJob | undefined>;
  /** Takes the next job whose mail is due and marks it sending under a new lease, counting a mail attempt. */
  claimMail(): Promise<StoredJob | undefined>;
  /** Extends the leases of jobs this process holds; answers the ids still held (a job not among them was lost). */
  renewLeases(jobs: readonly HeldJob[]): Promise<Set<string>>;
  /**
   * Puts back what processes that are gone left in progress (jobs whose lease ran out; in SQLite, which one
   * process uses, every job another process held): running jobs are queued again, or failed once they have had
   * `maxAttempts` attempts (so a job that kills the process cannot crash-loop it), and mails being sent are
   * due again. Returns the ids failed.
   */
  recoverInterrupted(maxAttempts: number): Promise<string[]>;
  /** Updates some fields of a job, whoever holds it (routes; tools). */
  update(id: string, fields: JobUpdate): Promise<void>;
  /**
   * Updates a job only while `job.lease` still holds it; false when its lease was lost (another process took it
   * over). A status other than running or sending ends the lease.
   */
  updateHeld(job: HeldJob, fields: JobUpdate): Promise<boolean>;
  /**
   * Asks for the job's mail (again): due at once, with a fresh retry window; undefined (nothing changed) while
   * its mail is being sent or when it has no file.
   */
  requestMail(id: string): Promise<StoredJob | undefined>;
  /** Counts of jobs by status, for metrics. */
  countsByStatus(): Promise<Record<string, number>>;
  /**
   * Jobs (done, failed or waiting) whose file has expired, and finished ones whose file never got an expiry
   * (the first release set none when the mail failed).
   */
  expired(): Promise<StoredJob[]>;
  /** Ids of jobs still being exported, whose files in the export storage are in use. */
  exportingIds(): Promise<Set<string>>;
  /** Every export file a job still refers to. */
  filePaths(): Promise<Set<string>>;
  close(): Promise<void>;
}
