import { UpstreamError } from './errors';
import { httpGet, NoResponseError, type RawResponse } from './http-get';
import type {
  InstantQueryParams,
  LogQueryParams,
  LokiClient,
  LokiEntry,
  LokiLane,
  LokiSeries,
  MetricQueryParams,
} from './types';

/**
 * The header naming the queue a query waits in at Loki's query scheduler: one tenant's queries are divided into
 * sub-queues by this path (`|`-separated, at most `query_scheduler.max_queue_hierarchy_levels` deep, 3 by
 * default), taken from in turn (`LokiActorPathHeader` in Loki's `pkg/util/httpreq/headers.go`, read by the query
 * frontend `pkg/lokifrontend/frontend/v2/frontend.go` and queued by `pkg/scheduler/scheduler.go`).
 */
export const LOKI_ACTOR_PATH_HEADER = 'X-Loki-Actor-Path';

/** The first part of every actor path the service sends. */
const ACTOR = 'auditlens';

/** Options of {@link HttpLokiClient}. */
export interface HttpLokiClientOptions {
  /** Loki base URL, e.g. `http://loki:3100`. */
  readonly url: string;
  /** Sent as `X-Scope-OrgID` when set (multi-tenant Loki). Default: none. */
  readonly tenant?: string;
  /** Per-request timeout in ms. The default value is 30000. */
  readonly timeoutMs?: number;
  /** The queue at Loki of queries that name none (see {@link LokiLane}). Default: none (Loki's tenant queue). */
  readonly lane?: LokiLane;
  /** Called after every request with its outcome and duration, for metrics. Default: none. */
  readonly onRequest?: (outcome: 'ok' | 'error', seconds: number) => void;
}

interface StreamsResponse {
  data: {
    resultType: 'streams';
    result: Array<{
      stream: Record<string, string>;
      values: Array<[string, string, { structuredMetadata?: Record<string, string> }?]>;
    }>;
  };
}
interface MatrixResponse {
  data: {
    resultType: 'matrix';
    result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
  };
}
interface VectorResponse {
  data: {
    resultType: 'vector';
    result: Array<{ metric: Record<string, string>; value: [number, string] }>;
  };
}

/** LokiClient over Loki's HTTP API (`query_range` with the categorize-labels encoding). */
export class HttpLokiClient implements LokiClient {
  private readonly base: string;

  constructor(private readonly options: HttpLokiClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  async queryLogs(p: LogQueryParams): Promise<LokiEntry[]> {
    const body = (await this.get(
      '/loki/api/v1/query_range',
      {
        query: p.query,
        start: String(p.start),
        end: String(p.end),
        limit: String(p.limit),
        direction: p.direction,
      },
      p.signal,
      p.lane
    )) as StreamsResponse;
    if (body.data?.resultType !== 'streams')
      throw new UpstreamError('loki', 'Loki answered a log query without streams', false);
    const entries: LokiEntry[] = [];
    for (const s of body.data.result) {
      for (const [ts, line, extra] of s.values) {
        entries.push({ ts: BigInt(ts), line, labels: s.stream, metadata: extra?.structuredMetadata ?? {} });
      }
    }
    // Streams come one after another; the entries of a page interleave in time when there are several.
    if (body.data.result.length > 1)
      entries.sort(p.direction === 'forward' ? (a, b) => cmp(a.ts, b.ts) : (a, b) => cmp(b.ts, a.ts));
    return entries;
  }

  async queryMetrics(p: MetricQueryParams): Promise<LokiSeries[]> {
    const body = (await this.get(
      '/loki/api/v1/query_range',
      { query: p.query, start: String(p.start), end: String(p.end), step: String(p.step) },
      p.signal,
      p.lane
    )) as MatrixResponse;
    if (body.data?.resultType !== 'matrix')
      throw new UpstreamError('loki', 'Loki answered a metric query without a matrix', false);
    return body.data.result.map((s) => ({
      metric: s.metric,
      values: s.values.map(([t, v]) => [Number(t), Number(v)] as const),
    }));
  }

  async queryInstant(p: InstantQueryParams): Promise<LokiSeries[]> {
    const body = (await this.get(
      '/loki/api/v1/query',
      { query: p.query, time: String(p.time) },
      p.signal,
      p.lane
    )) as VectorResponse;
    if (body.data?.resultType !== 'vector')
      throw new UpstreamError('loki', 'Loki answered an instant query without a vector', false);
    return body.data.result.map((s) => ({
      metric: s.metric,
      values: [[Number(s.value[0]), Number(s.value[1])] as const],
    }));
  }

  async ready(signal?: AbortSignal): Promise<boolean> {
    try {
      const res = await httpGet(
        new URL(`${this.base}/ready`),
        this.headers(),
        withTimeout(signal, this.options.timeoutMs ?? 5000)
      );
      return res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  }

  private headers(lane?: LokiLane): Record<string, string> {
    const h: Record<string, string> = { 'X-Loki-Response-Encoding-Flags': 'categorize-labels' };
    if (this.options.tenant) h['X-Scope-OrgID'] = this.options.tenant;
    const queue = lane ?? this.options.lane;
    if (queue) h[LOKI_ACTOR_PATH_HEADER] = `${ACTOR}|${queue}`;
    return h;
  }

  private async get(
    path: string,
    params: Record<string, string>,
    signal?: AbortSignal,
    lane?: LokiLane
  ): Promise<unknown> {
    const started = process.hrtime.bigint();
    const done = (outcome: 'ok' | 'error') =>
      this.options.onRequest?.(outcome, Number(process.hrtime.bigint() - started) / 1e9);
    let res: RawResponse;
    try {
      res = await httpGet(
        new URL(`${this.base}${path}?${new URLSearchParams(params)}`),
        this.headers(lane),
        withTimeout(signal, this.options.timeoutMs ?? 30_000)
      );
    } catch (error) {
      done('error');
      const reason = error instanceof NoResponseError ? error.reason : 'is unreachable';
      throw new UpstreamError('loki', `Loki ${reason}`, true);
    }
    const text = res.body.toString('utf8');
    if (res.status < 200 || res.status >= 300) {
      done('error');
      // Loki's 4xx bodies are plain text saying what is wrong with the query; retrying cannot help.
      const retryable = res.status >= 500 || res.status === 429;
      throw new UpstreamError(
        'loki',
        `Loki answered ${res.status}: ${text.trim().slice(0, 500)}`,
        retryable,
        res.status
      );
    }
    done('ok');
    try {
      return JSON.parse(text);
    } catch {
      throw new UpstreamError('loki', 'Loki answered with invalid JSON', true, res.status);
    }
  }
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
