import type { TimeRange } from '@grafana/data';
import type { LogType, StatsSplit } from '@auditlens/contract';
import type { AuditLensApi } from '../api/client';
import type { GrafanaAlerting } from '../api/alerting';
import type { FacetSource } from './facets';

/** What one {@link AuditQueryRunner} loads; each kind answers with the frames its `frames/` module builds. */
export type AuditRequest =
  /** A page of events, newest first, as a log-lines frame; `loadMore()` appends the next page. */
  | { readonly kind: 'rows'; readonly logType: LogType; readonly pageSize: number }
  /** Events over time, one time series per action or outcome, a bucket per step (zeros included). */
  | { readonly kind: 'counts'; readonly logType: LogType; readonly by: StatsSplit }
  /** The values of one filter field with their counts, most frequent first. */
  | {
      readonly kind: 'facets';
      readonly logType: LogType;
      readonly field: string;
      readonly limit?: number;
      /** Only sources with exact counts: a ranked list must not show a sample's order first. */
      readonly exactOnly?: boolean;
    }
  /** AuditLens's alert rules firing now, from Grafana's alerting API. */
  | { readonly kind: 'firingAlerts' }
  /** The user's exports, asked again every `pollMs` while one is still on its way. */
  | { readonly kind: 'exports'; readonly pollMs: number };

/** Where the runners get data: the app's client, Grafana's alerting API, the facet sources in order. */
export interface AuditDataSources {
  readonly api: AuditLensApi;
  readonly alerting: GrafanaAlerting;
  /** Tried together; exact counts replace suggestions when they arrive. */
  readonly facets: readonly FacetSource[];
}

/** The query a runner answers: the scene's time range, the filters in force and the free text. */
export interface QueryContext {
  readonly timeRange: TimeRange;
  readonly from: number;
  readonly to: number;
  readonly filters: Readonly<Record<string, string>>;
  readonly q: string;
}
