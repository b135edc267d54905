import type { Admission, Usage } from './store/job-store';
import { LimitReachedError } from '../domain-errors';
import { DEFAULTS } from '../config';

/** The export limits when none are given. */
export const DEFAULT_EXPORT_LIMITS: ExportLimits = {
  perUser: DEFAULTS.EXPORTS_PER_USER,
  dailyRows: DEFAULTS.EXPORT_DAILY_ROWS_PER_USER,
  dailyBytes: DEFAULTS.EXPORT_DAILY_MB_PER_USER * 1024 ** 2,
};

/** Per-user limits on exports. */
export interface ExportLimits {
  /** Exports of one user on their way at once (queued, running, sending, waiting for mail). Default 3. */
  readonly perUser: number;
  /** Rows one user may export in 24 hours. */
  readonly dailyRows: number;
  /** Bytes one user may export in 24 hours. */
  readonly dailyBytes: number;
}

const DAY_MS = 86_400_000;
// Exports in progress end at their own pace; this is only a hint of when to look again.
const BUSY_RETRY_SECONDS = 60;

/**
 * What a new export must pass: refused with a 429 when the requester has `perUser` exports on their way, or has
 * used up the rows or bytes of the last 24 hours (then saying when the oldest counted export leaves that window).
 * The job store checks it together with the insert, under a lock per requester, so requests on several replicas
 * cannot pass it together. The running export checks the same budgets page by page, so a request that passes
 * here cannot exceed them.
 */
export function exportAdmission(limits: ExportLimits, now = new Date()): Admission {
  return {
    usageSince: new Date(now.getTime() - DAY_MS),
    admit: (active: number, used: Usage) => checkExportQuota(active, used, limits, now),
  };
}

function checkExportQuota(active: number, used: Usage, limits: ExportLimits, now: Date): void {
  if (active >= limits.perUser) {
    throw new LimitReachedError(
      `you have ${active} exports on their way (at most ${limits.perUser}); wait until one is done`,
      BUSY_RETRY_SECONDS
    );
  }
  if (used.rows >= limits.dailyRows || used.bytes >= limits.dailyBytes) {
    const frees = used.oldestAt ? Date.parse(used.oldestAt) + DAY_MS - now.getTime() : DAY_MS;
    const what =
      used.rows >= limits.dailyRows
        ? `${limits.dailyRows} rows`
        : `${Math.round(limits.dailyBytes / 1024 ** 2)} MB`;
    throw new LimitReachedError(
      `you have exported ${what} in the last 24 hours, your limit; try again later`,
      Math.max(1, Math.ceil(frees / 1000))
    );
  }
}
