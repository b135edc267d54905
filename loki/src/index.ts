// The public surface of @auditlens/loki, named one by one: the HTTP client and its errors, the LogQL builders,
// Loki's query limits, and the readers built on the client (pager, parallel reader, time windows, windowed
// metric queries). The HTTP helper, page sizing and the parallel reader's planning stay inside.

export type {
  LokiClient,
  LokiEntry,
  LokiLane,
  LokiSeries,
  LogQueryParams,
  MetricQueryParams,
  InstantQueryParams,
} from './types';
export { HttpLokiClient } from './http-client';
export type { HttpLokiClientOptions } from './http-client';
export { UpstreamError } from './errors';
export { NoResponseError } from './http-get';

export {
  quoteLogQL,
  quoteRegexp,
  buildSelector,
  buildLogQuery,
  buildCountQuery,
  buildFieldSampleQuery,
  withFieldValues,
  InvalidFieldError,
} from './logql';
export type { QueryOptions } from './logql';
export {
  parseLokiDuration,
  DEFAULT_MAX_QUERY_LENGTH_NS,
  DEFAULT_SPLIT_INTERVAL_NS,
  MAX_POINTS_PER_SERIES,
} from './query-limits';

export { readAllEntries, entryIdentity, withRetry } from './pager';
export type { Page, PagerCheckpoint, PagerOptions, RetryPolicy } from './pager';
export { readInParallel } from './parallel/parallel-reader';
export type { ParallelReadOptions } from './parallel/parallel-reader';
export { windowsForward, windowsBackward, windowsGrowingBackward, stepWindows } from './time-windows';
export type { TimeWindow, StepWindow } from './time-windows';
export { queryMetricsInWindows, totalsInWindows } from './windowed-metrics';
export type { WindowedMetricQuery, WindowedTotal } from './windowed-metrics';
