/**
 * Which of the service's queues at Loki a query waits in (sent as `X-Loki-Actor-Path: auditlens|<lane>`). Loki's
 * query scheduler takes sub-queries from the queues of one tenant in turn, so a page's rows are not stuck behind
 * the dozens of sub-queries of a chart's counts or an export's reads. `rows`: lists and facet samples (small,
 * someone waits for them); `counts`: facet counts and charts; `exports`: export reads.
 */
export type LokiLane = 'rows' | 'counts' | 'exports';

/** One log entry as read from Loki's `query_range` (streams result). */
export interface LokiEntry {
  /** Nanoseconds since the epoch. */
  readonly ts: bigint;
  /** The log line: the event's summary. */
  readonly line: string;
  /** Index labels of the entry's stream (`service_name`, `audit_log_type`). */
  readonly labels: Readonly<Record<string, string>>;
  /** Structured metadata of the entry (with `categorize-labels` encoding). */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Parameters of a log query (`query_range` returning streams). */
export interface LogQueryParams {
  readonly query: string;
  /** Inclusive, ns since the epoch. */
  readonly start: bigint;
  /** Exclusive, ns since the epoch. */
  readonly end: bigint;
  /** At most the server's `max_entries_limit_per_query` (5000 by default). */
  readonly limit: number;
  readonly direction: 'forward' | 'backward';
  readonly signal?: AbortSignal;
  /** The queue at Loki; default: the client's own. */
  readonly lane?: LokiLane;
}

/** One series of a metric query (`query_range` returning a matrix). */
export interface LokiSeries {
  readonly metric: Readonly<Record<string, string>>;
  /** [seconds since the epoch, value] pairs. */
  readonly values: ReadonlyArray<readonly [number, number]>;
}

/** Parameters of a metric query (`query_range` returning a matrix). */
export interface MetricQueryParams {
  readonly query: string;
  readonly start: bigint;
  readonly end: bigint;
  /** Step in seconds. */
  readonly step: number;
  readonly signal?: AbortSignal;
  /** The queue at Loki; default: the client's own. */
  readonly lane?: LokiLane;
}

/** Parameters of an instant metric query (`/loki/api/v1/query`). */
export interface InstantQueryParams {
  readonly query: string;
  /** Evaluation time, ns since the epoch; a range `[d]` covers (time - d, time]. */
  readonly time: bigint;
  readonly signal?: AbortSignal;
  /** The queue at Loki; default: the client's own. */
  readonly lane?: LokiLane;
}

/**
 * The Loki HTTP API as the service uses it. Failures are thrown as `UpstreamError`
 * (`retryable` false for Loki's 4xx answers, carrying Loki's plain-text message).
 */
export interface LokiClient {
  queryLogs(params: LogQueryParams): Promise<LokiEntry[]>;
  queryMetrics(params: MetricQueryParams): Promise<LokiSeries[]>;
  /** An instant metric query: one value per series, at `time`. */
  queryInstant(params: InstantQueryParams): Promise<LokiSeries[]>;
  /** True when Loki answers its `/ready` endpoint. */
  ready(signal?: AbortSignal): Promise<boolean>;
}
