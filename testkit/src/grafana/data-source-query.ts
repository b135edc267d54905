// Double of `POST /api/ds/query`, the endpoint behind dashboards, Explore and alert previews, with Grafana's
// permission rule. Written from grafana/grafana:
// - `pkg/api/api.go`: `apiRoute.Post("/ds/query", authorize(ac.EvalPermission(datasources.ActionQuery)), ...)`:
//   the caller needs `datasources:query` on some scope, else 403 naming the permission.
// - `pkg/services/query/query.go` `parseMetricRequest` / `getDataSourceFromQuery`: each query's data source by
//   `datasource.uid` (or a bare string `datasource`), through
//   `pkg/services/datasources/service/cache.go` `GetDatasourceByUID`, which looks only in the caller's org and then
//   asks the data source guardian `CanQuery`; on OSS that guardian is `AllowGuardian`
//   (`pkg/services/datasources/guardian/provider.go`), so whoever passed the middleware may query every data
//   source of the org. Every query's data source is resolved before any runs.
// - `pkg/api/ds_query.go` `handleQueryMetricsError`: a data source missing in the org is 404 "Data source not
//   found", a guardian refusal 403 "Access denied to data source"; `toJsonStreamingResponse`: `{results: {refId:
//   DataResponse}}`, 400 when any query failed, else 200. A body that does not parse is 400 "bad request data".
// Only Loki data sources run (`loki-data-query.ts`); expressions and other data source types are not modelled.
import { hasPermission, type RbacPermission } from './grafana-rbac';
import { runLokiDataQuery, type DataResponseJson, type LokiDataQueryModel } from './loki-data-query';

/** A data source of an org, as Grafana stores it (provisioned or created through the API). */
export interface GrafanaDoubleDataSource {
  readonly orgId: number;
  readonly uid: string;
  readonly name?: string;
  readonly type: string;
  readonly url: string;
  readonly isDefault?: boolean;
  readonly jsonData?: Readonly<Record<string, unknown>>;
}

/** Who asks and what their org holds. */
export interface DataSourceQueryCaller {
  readonly orgId: number;
  readonly permissions: readonly RbacPermission[];
  /** The data sources of every org; the endpoint looks only at the caller's. */
  readonly dataSources: readonly GrafanaDoubleDataSource[];
}

/** An HTTP answer of the endpoint. */
export interface DataSourceQueryAnswer {
  readonly status: number;
  readonly body: unknown;
}

interface MetricRequest {
  readonly from?: unknown;
  readonly to?: unknown;
  readonly queries?: unknown;
}

/** Answers `POST /api/ds/query` with `body` for `caller`, as Grafana OSS does. */
export async function answerDataSourceQuery(
  body: string,
  caller: DataSourceQueryCaller,
  now: number = Date.now()
): Promise<DataSourceQueryAnswer> {
  if (!hasPermission(caller.permissions, 'datasources:query')) {
    return {
      status: 403,
      body: {
        accessErrorId: 'ACE0000000000',
        message:
          "You'll need additional permissions to perform this action. Permissions needed: datasources:query",
        title: 'Access denied',
      },
    };
  }
  let request: MetricRequest;
  try {
    request = JSON.parse(body) as MetricRequest;
  } catch {
    return { status: 400, body: { message: 'bad request data' } };
  }
  const queries = Array.isArray(request.queries) ? (request.queries as Array<Record<string, unknown>>) : [];
  if (queries.length === 0) return { status: 400, body: { message: 'No queries found' } };
  const fromMs = parseGrafanaTime(request.from, now);
  const toMs = parseGrafanaTime(request.to, now);
  if (fromMs === undefined || toMs === undefined)
    return { status: 400, body: { message: 'bad request data' } };

  const resolved = [];
  for (const query of queries) {
    const uid = dataSourceUidOf(query);
    const ds = caller.dataSources.find((d) => d.orgId === caller.orgId && d.uid === uid);
    if (!ds) return { status: 404, body: { message: 'Data source not found' } };
    if (ds.type !== 'loki')
      throw new Error(`data source type ${ds.type} is not modelled by the Grafana double`);
    resolved.push({ ds, query });
  }
  const results: Record<string, DataResponseJson> = {};
  for (const { ds, query } of resolved) {
    const model = query as LokiDataQueryModel;
    results[model.refId ?? 'A'] = await runLokiDataQuery(ds, model, { fromMs, toMs });
  }
  const failed = Object.values(results).some((r) => r.error !== undefined);
  return { status: failed ? 400 : 200, body: { results } };
}

// query.go getDataSourceFromQuery: `datasource.uid`, or a bare string `datasource` (before 8.3).
function dataSourceUidOf(query: Record<string, unknown>): string {
  const ds = query['datasource'];
  const uid = typeof ds === 'string' ? ds : ((ds as { uid?: unknown } | undefined)?.uid ?? '');
  if (typeof uid !== 'string' || uid === '' || uid === '__expr__' || uid === '-100') {
    throw new Error(`query without a data source uid, or an expression: not modelled by the Grafana double`);
  }
  return uid;
}

// pkg/api/dtos (`DataTimeRange` via gtime): epoch milliseconds, `now`, or `now-<n><unit>` (s, m, h, d, w).
function parseGrafanaTime(value: unknown, now: number): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'now') return now;
  const relative = /^now-(\d+)([smhdw])$/.exec(value);
  if (!relative) return undefined;
  const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 604800e3 }[
    relative[2] as 's' | 'm' | 'h' | 'd' | 'w'
  ];
  return now - Number(relative[1]) * unit;
}
