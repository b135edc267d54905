import type { LogType } from './logTypes';
import type { StatsSplit } from './filters';

/**
 * HTTP API of the export service, as the Grafana plugin sees it through the proxy routes.
 * Times in query strings are ms since the epoch or ISO 8601; times in bodies are ISO 8601 (UTC).
 */

/** One audit event as returned by `GET /api/v1/logs/:slug`. */
export interface AuditRow {
  /** `audit.event_id` (UUIDv7). */
  readonly id: string;
  /** Nanoseconds since the epoch, as a decimal string (Loki's timestamp). */
  readonly timestamp: string;
  /** The same instant as ISO 8601 UTC with millisecond precision. */
  readonly time: string;
  readonly logType: LogType;
  /** The human summary (the log line). */
  readonly summary: string;
  /** Every structured-metadata field of the event by its Loki name (`user_name`, `audit_category`, ...). */
  readonly fields: Readonly<Record<string, string>>;
}

/** `GET /api/v1/logs/:slug?from&to&limit&cursor&<filters>&q` → newest first. */
export interface LogsResponse {
  readonly rows: readonly AuditRow[];
  /** Pass as `cursor` to get the next (older) page; null when there is none. */
  readonly nextCursor: string | null;
}

/**
 * How `GET /api/v1/logs/:slug/facets` counts: `exact` (the default) counts the events of [from, to) per value;
 * `suggest` answers at once with the values of a sample of the newest events of the range, for a dropdown to show
 * while the exact counts are on their way.
 */
export const FACET_MODES = ['exact', 'suggest'] as const;
export type FacetMode = (typeof FACET_MODES)[number];

/** `GET /api/v1/logs/:slug/facets?field=<filter key>&from&to&mode=exact|suggest&<filters>` */
export interface FacetsResponse {
  readonly field: string;
  /** Most frequent first. */
  readonly values: ReadonlyArray<{ readonly value: string; readonly count: number }>;
  /**
   * `exact`: each count is the number of events of [from, to) with that value. `sample`: counts within a sample
   * of the newest events of the range (`mode=suggest`), a guide to which values occur, not a total. Absent from
   * services older than this field: exact.
   */
  readonly counts?: 'exact' | 'sample';
  /** `mode=suggest`: how many events of the range the sample holds (all of them when fewer). */
  readonly sampled?: number;
  /**
   * False when the field has more distinct values than Loki counts in one query (`max_query_series`, 500 by
   * default): then only the most frequent values of a sample are listed, each counted exactly, and other values
   * exist. False for `mode=suggest` answered from a sample; a service that keeps counts (issue 24) answers both
   * modes from them, `counts: 'exact'`, complete when every value is listed. Absent from older services: true.
   */
  readonly complete?: boolean;
}

/** `GET /api/v1/logs/:slug/stats?from&to&step&by=action|outcome` */
export interface StatsResponse {
  readonly by: StatsSplit;
  /** Step in seconds. */
  readonly step: number;
  readonly series: ReadonlyArray<{
    readonly name: string;
    /** [ms since the epoch, count] pairs. */
    readonly points: ReadonlyArray<readonly [number, number]>;
  }>;
}

/**
 * `POST /api/v1/logs/:slug/export-grants` (through the read route of that log type) → a short-lived,
 * signed proof that the requester may read this log type. Needed to create an export.
 */
export interface ExportGrantResponse {
  readonly grant: string;
  readonly expiresAt: string;
}

/** Body of `POST /api/v1/exports` (through the exports route). */
export interface ExportRequest {
  /** From `export-grants`; binds requester and log type, which the route path proved. */
  readonly grant: string;
  /** Optional; if present it must equal the grant's log type. */
  readonly logType?: LogType;
  readonly from: string;
  readonly to: string;
  readonly format: ExportFormat;
  readonly filters?: Readonly<Record<string, string>>;
  /** IANA time zone of the requester, e.g. `Europe/Berlin`. Default UTC. */
  readonly timezone?: string;
}

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * `queued` (waiting for a worker, or for its next attempt after a Loki failure), `running` (reading Loki and
 * writing the file), `sending` (mailing it), `waiting_for_mail` (the mail server did not take the mail; tried
 * again with backoff, the file is kept), `done`, `failed` (`error` says why).
 */
export const EXPORT_STATUSES = [
  'queued',
  'running',
  'sending',
  'waiting_for_mail',
  'done',
  'failed',
] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** Statuses of an export still on its way: it counts against the requester's exports in progress. */
export const EXPORT_ACTIVE_STATUSES: readonly ExportStatus[] = [
  'queued',
  'running',
  'sending',
  'waiting_for_mail',
];

/** `GET /api/v1/exports/:id`, items of `GET /api/v1/exports`; `POST` answers 202 with one. */
export interface ExportJob {
  readonly id: string;
  readonly logType: LogType;
  readonly format: ExportFormat;
  readonly from: string;
  readonly to: string;
  readonly filters: Readonly<Record<string, string>>;
  readonly timezone: string;
  readonly status: ExportStatus;
  /** Rows written so far (all of them once the file is written). */
  readonly rows: number;
  /**
   * About how many rows the export will have, counted in Loki when it starts reading (the count that plans its
   * parallel reads); null before that, and for exports read with one reader (no count is made). Absent from
   * services older than this field.
   */
  readonly estimatedRows?: number | null;
  readonly bytes: number;
  /** Why it failed, or, while `queued` or `waiting_for_mail` after a failure, what went wrong last. */
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /**
   * True when `GET /api/v1/exports/:id/file` can serve the file: it is written and not expired (also while
   * the mail waits, and after a failed mail), and `POST /api/v1/exports/:id/mail` can mail it again.
   */
  readonly downloadable: boolean;
  /** When the next attempt (of the export after a Loki failure, or of the mail) is due; otherwise null. */
  readonly nextAttemptAt: string | null;
  /** When the file will be deleted; null before it is written. */
  readonly expiresAt: string | null;
}

export interface ExportListResponse {
  readonly exports: readonly ExportJob[];
}

/**
 * Body of every 4xx/5xx answer of every route. 400: the input is invalid (`issues` names each field); 401; 403;
 * 404; 409 (e.g. an export grant already used, a mail already on its way); 410 (an export file expired or
 * gone); 413 (body too large); 415 (unsupported content type or charset); 429 (a per-user limit, or the service
 * busy: wait `retryAfter` seconds, also sent as `Retry-After`); 500 (nothing internal is shown); 502 (Loki or
 * Grafana failed).
 */
export interface ApiError {
  readonly error: string;
  /** For 400s: which input was wrong and why. */
  readonly issues?: ReadonlyArray<{ readonly field: string; readonly message: string }>;
  /** For 429s: seconds to wait before asking again (the `Retry-After` header says the same). */
  readonly retryAfter?: number;
}

/** `GET /api/v1/health` (the plugin's `health` route): secret accepted, requester known, Loki reachable? */
export interface ConnectionCheck {
  readonly status: 'ok' | 'loki unreachable';
  /** The Grafana login the service resolved, proving its Grafana token works. */
  readonly user: string;
}
