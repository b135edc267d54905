// Double of Grafana's Loki data source backend as `/api/ds/query` runs it: one query of the request body turned into
// one HTTP request to the data source's Loki, and Loki's answer into data frames. Written from grafana/grafana
// `pkg/tsdb/loki/`:
// - `parse_query.go`: `queryType` "instant" or else range; `direction` "forward" or else "backward"; `maxLines`
//   from the query, else the data source's `jsonData.maxLines`, else 1000; the step is the query's `intervalMs`
//   (default 1 s) but at least the range / 11000 (Loki's points-per-series cap).
// - `api.go` `makeDataRequest`: `GET <url>/loki/api/v1/query_range?query&direction&limit&start&end&step=<ms>ms`
//   (start and end in nanoseconds) or `GET <url>/loki/api/v1/query?query&direction&limit&time`; a non-2xx answer
//   becomes the query's error, taken from Loki's JSON `message` or the whole text.
// - `pkg/util/converter/prom.go` (dataplane): streams become one frame with the fields `labels`, `Time`, `Line`,
//   `tsNs`; each matrix or vector series one frame with `Time` and `Value` (the series' labels on `Value`).
//   Frame `meta` and the label-type fields are not modelled.

/** A Loki data source as far as its queries go. */
export interface LokiDataSourceSettings {
  readonly url: string;
  readonly jsonData?: Readonly<Record<string, unknown>>;
}

/** One entry of the `queries` of `POST /api/ds/query`, as far as the Loki backend reads it. */
export interface LokiDataQueryModel {
  readonly refId?: string;
  readonly expr?: string;
  readonly queryType?: string;
  readonly direction?: string;
  readonly maxLines?: number;
  readonly intervalMs?: number;
}

/** One field of a data frame in Grafana's JSON wire format. */
export interface DataFrameField {
  readonly name: string;
  readonly type: 'time' | 'number' | 'string' | 'other';
  readonly labels?: Readonly<Record<string, string>>;
}

/** A data frame as `/api/ds/query` sends it (`data.Frame` JSON: schema and columnar values). */
export interface DataFrameJson {
  readonly schema: { readonly refId: string; readonly fields: readonly DataFrameField[] };
  readonly data: { readonly values: ReadonlyArray<readonly unknown[]> };
}

/** One `results` entry of `/api/ds/query` (`backend.DataResponse` JSON). */
export interface DataResponseJson {
  readonly status: number;
  readonly frames?: readonly DataFrameJson[];
  readonly error?: string;
}

interface LokiAnswer {
  readonly data?: {
    readonly resultType?: string;
    readonly result?: ReadonlyArray<{
      readonly stream?: Record<string, string>;
      readonly metric?: Record<string, string>;
      readonly values?: ReadonlyArray<readonly [string | number, string]>;
      readonly value?: readonly [string | number, string];
    }>;
  };
}

const DEFAULT_MAX_LINES = 1000;
const MAX_POINTS_PER_SERIES = 11_000;

/** Runs one Loki query of a `/api/ds/query` request over [fromMs, toMs] against the data source's Loki. */
export async function runLokiDataQuery(
  ds: LokiDataSourceSettings,
  query: LokiDataQueryModel,
  range: { readonly fromMs: number; readonly toMs: number }
): Promise<DataResponseJson> {
  const refId = query.refId ?? 'A';
  const instant = query.queryType === 'instant';
  const dsMaxLines = Number(ds.jsonData?.['maxLines'] ?? 0);
  const maxLines = query.maxLines && query.maxLines > 0 ? query.maxLines : dsMaxLines || DEFAULT_MAX_LINES;
  const params = new URLSearchParams({
    query: query.expr ?? '',
    direction: query.direction === 'forward' ? 'forward' : 'backward',
    limit: String(maxLines),
  });
  const toNs = `${BigInt(Math.floor(range.toMs)) * 1_000_000n}`;
  if (instant) {
    params.set('time', toNs);
  } else {
    const stepMs = Math.max(
      query.intervalMs && query.intervalMs > 0 ? query.intervalMs : 1000,
      Math.ceil((range.toMs - range.fromMs) / MAX_POINTS_PER_SERIES)
    );
    params.set('start', `${BigInt(Math.floor(range.fromMs)) * 1_000_000n}`);
    params.set('end', toNs);
    params.set('step', `${stepMs}ms`);
  }
  const base = ds.url.replace(/\/+$/, '');
  const res = await fetch(`${base}/loki/api/v1/${instant ? 'query' : 'query_range'}?${params}`);
  const text = await res.text();
  if (!res.ok) return { status: res.status === 404 ? 404 : 400, error: lokiErrorMessage(text) };
  return { status: 200, frames: framesOf(JSON.parse(text) as LokiAnswer, refId) };
}

// api.go makeLokiError: the JSON `message` when there is one, else the whole text.
function lokiErrorMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === 'string' && message !== '' ? message : text;
  } catch {
    return text;
  }
}

function framesOf(answer: LokiAnswer, refId: string): DataFrameJson[] {
  const result = answer.data?.result ?? [];
  if (answer.data?.resultType === 'streams') {
    const labels: unknown[] = [];
    const times: number[] = [];
    const lines: string[] = [];
    const tsNs: string[] = [];
    for (const stream of result) {
      for (const [ts, line] of stream.values ?? []) {
        labels.push(stream.stream ?? {});
        times.push(Number(BigInt(String(ts)) / 1_000_000n));
        lines.push(line);
        tsNs.push(String(ts));
      }
    }
    return [
      {
        schema: {
          refId,
          fields: [
            { name: 'labels', type: 'other' },
            { name: 'Time', type: 'time' },
            { name: 'Line', type: 'string' },
            { name: 'tsNs', type: 'string' },
          ],
        },
        data: { values: [labels, times, lines, tsNs] },
      },
    ];
  }
  // matrix (range) and vector (instant): one frame per series.
  return result.map((series) => {
    const samples = series.values ?? (series.value ? [series.value] : []);
    return {
      schema: {
        refId,
        fields: [
          { name: 'Time', type: 'time' as const },
          { name: 'Value', type: 'number' as const, labels: series.metric ?? {} },
        ],
      },
      data: {
        values: [samples.map(([t]) => Math.round(Number(t) * 1000)), samples.map(([, v]) => Number(v))],
      },
    };
  });
}
