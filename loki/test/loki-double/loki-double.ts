import {
  AUDITLENS_INDEXED_RESOURCE_ATTRIBUTES,
  LOKI_DEFAULT_INDEXED_RESOURCE_ATTRIBUTES,
  lokiFieldName,
} from '@auditlens/contract';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  entryMatches,
  LokiQueryError,
  parseQuery,
  type CountQuery,
  type LogQuery,
  type StoredEntry,
} from './logql-eval';
import {
  alignToStep,
  checkQueryLength,
  checkRangeVector,
  checkResolution,
  DEFAULT_MAX_QUERY_LENGTH_NS,
} from './query-limits';

/** An entry to seed the double with directly (no OTLP round trip). */
export interface SeedEntry {
  readonly ts: bigint;
  readonly line: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Options of {@link LokiDouble.start}. */
export interface LokiDoubleOptions {
  /** Loki's `max_query_length` in ns; 0n disables it. The default value is 721h, Loki's default. */
  readonly maxQueryLengthNs?: bigint;
  /** Largest answer that reaches the client (Loki's gRPC message limit). The default value is 4 MiB. */
  readonly grpcMaxMessageBytes?: number;
  /** Loki's `max_query_series`: most series a metric query may answer. The default value is 500, Loki's default. */
  readonly maxQuerySeries?: number;
}

const INDEXED_RESOURCE_ATTRIBUTES = new Set([
  ...LOKI_DEFAULT_INDEXED_RESOURCE_ATTRIBUTES,
  ...AUDITLENS_INDEXED_RESOURCE_ATTRIBUTES,
]);

const MAX_ENTRIES_LIMIT = 5000;

/**
 * Every stored entry's `categorize-labels` value (`[ts, line, {structuredMetadata}]`) as JSON, in stored order,
 * each followed by a comma: entry i is `bytes[starts[i], starts[i + 1] - 1)`.
 */
interface Wire {
  readonly bytes: Buffer;
  readonly starts: Float64Array;
}

const COMMA = Buffer.from(',');
const DEFAULT_LIMIT = 100;

type OtlpValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
};
type OtlpKv = { key: string; value: OtlpValue };
interface OtlpRequest {
  resourceLogs?: Array<{
    resource?: { attributes?: OtlpKv[] };
    scopeLogs?: Array<{
      scope?: { name?: string; version?: string };
      logRecords?: Array<{
        timeUnixNano?: string;
        observedTimeUnixNano?: string;
        severityNumber?: number;
        severityText?: string;
        body?: OtlpValue;
        attributes?: OtlpKv[];
      }>;
    }>;
  }>;
}

/**
 * LokiDouble: a test double of Loki 3.7's HTTP API, standing in for Loki in unit tests and wherever no real
 * Loki runs (neither `LOKI_BIN` nor `LOKI_URL` set). It follows the behaviour recorded in
 * shared/fixtures/loki (OTLP mapping, categorize-labels encoding, start inclusive / end exclusive, default
 * direction backward, push order kept within a timestamp, 400s with plain-text bodies) for the query shapes
 * AuditLens uses (label filters joined by `or`, `drop` and `keep` stages, `sum by` counts, `topk`), and Loki's
 * query limits (`max_query_length`, 11,000 points per series, the step grid of metric queries, see
 * `query-limits.ts`; `max_query_series`). It has no query scheduler: the `X-Loki-Actor-Path` header, the queue a
 * query waits in at Loki, is accepted and recorded with each query, and changes nothing. Listens on 127.0.0.1 only.
 */
export class LokiDouble {
  private readonly entries: StoredEntry[] = [];
  private wire: Wire | undefined;
  private seq = 0;
  private sorted = true;
  private readonly server: Server;
  private failures: Array<{ status: number } | 'hang'> = [];
  private readonly hanging: ServerResponse[] = [];
  /** Every `query_range` and `query` request with its parameters and headers, in order (for tests to inspect). */
  readonly queries: Array<{ query: string; params: URLSearchParams; headers: IncomingMessage['headers'] }> =
    [];

  private constructor(
    private readonly maxQueryLengthNs: bigint,
    private readonly grpcMaxMessageBytes: number,
    private readonly maxQuerySeries: number
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Starts a double on a free loopback port. */
  static async start(options: LokiDoubleOptions = {}): Promise<LokiDouble> {
    const loki = new LokiDouble(
      options.maxQueryLengthNs ?? DEFAULT_MAX_QUERY_LENGTH_NS,
      options.grpcMaxMessageBytes ?? 4 * 1024 * 1024,
      options.maxQuerySeries ?? 500
    );
    await new Promise<void>((resolve) => loki.server.listen(0, '127.0.0.1', resolve));
    return loki;
  }

  /** Base URL, like `http://127.0.0.1:3100`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * Loki's single binary hands each answer from the querier to the query frontend over gRPC, whose messages are
   * limited to 4 MiB by default (`server.grpc_server_max_recv_msg_size`); a larger answer never arrives and the
   * HTTP request waits until Loki's timeout. The double measures its JSON answer instead of Loki's protobuf
   * message (about the same size for audit events) and never answers such a request.
   */
  private tooLargeForGrpc(bytes: number, res: ServerResponse): boolean {
    if (bytes <= this.grpcMaxMessageBytes) return false;
    this.hanging.push(res);
    return true;
  }

  /** Adds entries directly, in push order (fast seeding for large tests and benchmarks). */
  push(entries: Iterable<SeedEntry>): void {
    for (const e of entries) {
      this.entries.push({
        ts: e.ts,
        line: e.line,
        labels: e.labels,
        metadata: e.metadata ?? {},
        seq: this.seq++,
      });
    }
    this.sorted = false;
    this.wire = undefined;
  }

  /** The next `count` requests (other than /ready) fail with `status`, then it recovers. */
  failNext(count: number, status = 500): void {
    for (let i = 0; i < count; i++) this.failures.push({ status });
  }

  /** The next `count` requests (other than /ready) never get an answer. */
  hangNext(count: number): void {
    for (let i = 0; i < count; i++) this.failures.push('hang');
  }

  /** Requests held without an answer (by `hangNext`) so far. */
  get hangingCount(): number {
    return this.hanging.length;
  }

  /** Stops listening; safe to call twice. */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://loki');
    const body = await readBody(req);
    if (url.pathname === '/ready') return text(res, 200, 'ready\n');
    const failure = this.failures.shift();
    if (failure === 'hang') {
      this.hanging.push(res);
      return;
    }
    if (failure) return text(res, failure.status, 'injected failure\n');
    try {
      if (req.method === 'POST' && url.pathname === '/otlp/v1/logs') {
        this.pushOtlp(JSON.parse(body.toString('utf8')) as OtlpRequest);
        return json(res, 204, undefined);
      }
      if (url.pathname === '/loki/api/v1/query_range') return this.queryRange(url.searchParams, req, res);
      if (url.pathname === '/loki/api/v1/query') return this.queryInstant(url.searchParams, req, res);
      if (url.pathname === '/loki/api/v1/labels') {
        return json(res, 200, {
          status: 'success',
          data: [...new Set(this.entries.flatMap((e) => Object.keys(e.labels)))].sort(),
        });
      }
      const values = /^\/loki\/api\/v1\/label\/([^/]+)\/values$/.exec(url.pathname);
      if (values) {
        const name = decodeURIComponent(values[1]!);
        const data = [
          ...new Set(this.entries.map((e) => e.labels[name]).filter((v): v is string => v !== undefined)),
        ].sort();
        return json(res, 200, { status: 'success', data });
      }
      return text(res, 404, '404 page not found\n');
    } catch (error) {
      if (error instanceof LokiQueryError) return text(res, 400, error.message);
      return text(res, 500, String(error));
    }
  }

  private pushOtlp(request: OtlpRequest): void {
    for (const rl of request.resourceLogs ?? []) {
      const labels: Record<string, string> = {};
      const resourceMetadata: Record<string, string> = {};
      for (const { key, value } of rl.resource?.attributes ?? []) {
        (INDEXED_RESOURCE_ATTRIBUTES.has(key) ? labels : resourceMetadata)[lokiFieldName(key)] =
          scalar(value);
      }
      for (const sl of rl.scopeLogs ?? []) {
        for (const r of sl.logRecords ?? []) {
          const metadata: Record<string, string> = { ...resourceMetadata };
          for (const { key, value } of r.attributes ?? []) {
            const name = lokiFieldName(key);
            metadata[name in labels ? `${name}_extracted` : name] = scalar(value);
          }
          const ts = BigInt(r.timeUnixNano ?? r.observedTimeUnixNano ?? '0');
          metadata['observed_timestamp'] = r.observedTimeUnixNano ?? String(ts);
          if (sl.scope?.name) metadata['scope_name'] = sl.scope.name;
          if (sl.scope?.version) metadata['scope_version'] = sl.scope.version;
          if (r.severityNumber !== undefined) metadata['severity_number'] = String(r.severityNumber);
          if (r.severityText) {
            metadata['severity_text'] = r.severityText;
            metadata['detected_level'] = r.severityText.toLowerCase();
          }
          this.push([{ ts, line: r.body ? scalar(r.body) : '', labels: { ...labels }, metadata }]);
        }
      }
    }
  }

  private queryRange(params: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const query = params.get('query') ?? '';
    this.queries.push({ query, params, headers: req.headers });
    const limit = params.has('limit') ? Number(params.get('limit')) : DEFAULT_LIMIT;
    if (limit > MAX_ENTRIES_LIMIT) {
      return text(
        res,
        400,
        `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${MAX_ENTRIES_LIMIT})`
      );
    }
    const now = BigInt(Date.now()) * 1_000_000n;
    const end = params.has('end') ? parseTime(params.get('end')!) : now;
    const start = params.has('start') ? parseTime(params.get('start')!) : end - 3_600_000_000_000n;
    const stepNs = parseStep(params.get('step'), start, end);
    // The checks in the order Loki makes them: parsing the request, the frontend's limits, the querier's.
    checkResolution(start, end, stepNs);
    const parsed = parseQuery(query);
    checkQueryLength(start, end, this.maxQueryLengthNs);
    this.sortOnce();
    if (parsed.kind === 'count') {
      const grid = alignToStep(start, end, stepNs);
      checkRangeVector(grid.end - grid.start, stepNs, parsed.count.rangeNs, this.maxQueryLengthNs);
      const matching = this.entries.filter((e) => entryMatches(parsed.count.inner, e));
      const series = new Map<string, { metric: Record<string, string>; values: Array<[number, string]> }>();
      for (let t = grid.start; t <= grid.end; t += stepNs) {
        const counts = countAt(parsed.count, matching, t);
        checkSeriesLimit(counts.length, this.maxQuerySeries);
        for (const c of topOf(parsed.count, counts)) {
          const key = JSON.stringify(c.metric);
          const s = series.get(key) ?? { metric: c.metric, values: [] };
          s.values.push([seconds(t), String(c.n)]);
          series.set(key, s);
        }
      }
      checkSeriesLimit(series.size, this.maxQuerySeries);
      return json(res, 200, {
        status: 'success',
        data: { resultType: 'matrix', result: [...series.values()], stats: {} },
      });
    }
    const direction = params.get('direction') === 'forward' ? 'forward' : 'backward';
    const positions =
      direction === 'forward'
        ? this.scanForward(start, end, limit, parsed.logs)
        : this.scanBackward(start, end, limit, parsed.logs);
    const categorize = String(req.headers['x-loki-response-encoding-flags'] ?? '').includes(
      'categorize-labels'
    );
    const dropped = new Set(parsed.logs.dropped);
    const kept = parsed.logs.kept && new Set(parsed.logs.kept);
    if (categorize && dropped.size === 0 && !kept) return this.answerCategorized(res, positions);
    const page = positions.map((i) => withoutFields(this.entries[i]!, dropped, kept));
    if (categorize) {
      const streams = new Map<string, { stream: Readonly<Record<string, string>>; values: unknown[] }>();
      for (const e of page) {
        const key = streamKey(e.labels);
        const s = streams.get(key) ?? { stream: e.labels, values: [] };
        s.values.push([String(e.ts), e.line, categorized(e.metadata)]);
        streams.set(key, s);
      }
      const answer = JSON.stringify({
        status: 'success',
        data: {
          resultType: 'streams',
          result: [...streams.values()],
          stats: {},
          encodingFlags: ['categorize-labels'],
        },
      });
      if (this.tooLargeForGrpc(Buffer.byteLength(answer), res)) return;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(answer);
      return;
    }
    const streams = new Map<string, { stream: Record<string, string>; values: unknown[] }>();
    for (const e of page) {
      const stream = { ...e.labels, ...e.metadata };
      const key = JSON.stringify(Object.entries(stream).sort());
      const s = streams.get(key) ?? { stream, values: [] };
      s.values.push([String(e.ts), e.line]);
      streams.set(key, s);
    }
    return json(res, 200, {
      status: 'success',
      data: { resultType: 'streams', result: [...streams.values()], stats: {} },
    });
  }

  // An instant metric query is evaluated at exactly `time` (ns precision kept), with no step grid.
  private queryInstant(params: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const query = params.get('query') ?? '';
    this.queries.push({ query, params, headers: req.headers });
    const time = params.has('time') ? parseTime(params.get('time')!) : BigInt(Date.now()) * 1_000_000n;
    const parsed = parseQuery(query);
    if (parsed.kind !== 'count')
      throw new LokiQueryError('the Loki double answers only metric queries at /loki/api/v1/query');
    this.sortOnce();
    const matching = this.entries.filter((e) => entryMatches(parsed.count.inner, e));
    const counts = countAt(parsed.count, matching, time);
    checkSeriesLimit(counts.length, this.maxQuerySeries);
    const result = topOf(parsed.count, counts).map((c) => ({
      metric: c.metric,
      value: [seconds(time), String(c.n)],
    }));
    return json(res, 200, { status: 'success', data: { resultType: 'vector', result, stats: {} } });
  }

  /**
   * Answers a streams query with the categorize-labels encoding: the same JSON as serializing the response
   * object, sent as slices of the entries serialized once (pages of thousands of entries are the common case).
   */
  private answerCategorized(res: ServerResponse, positions: readonly number[]): void {
    const { bytes, starts } = this.wireFormat();
    const streams = new Map<string, { stream: Readonly<Record<string, string>>; positions: number[] }>();
    for (const i of positions) {
      const labels = this.entries[i]!.labels;
      const key = streamKey(labels);
      let s = streams.get(key);
      if (!s) streams.set(key, (s = { stream: labels, positions: [] }));
      s.positions.push(i);
    }
    const parts: Buffer[] = [Buffer.from('{"status":"success","data":{"resultType":"streams","result":[')];
    let first = true;
    for (const s of streams.values()) {
      parts.push(Buffer.from(`${first ? '' : ','}{"stream":${JSON.stringify(s.stream)},"values":[`));
      first = false;
      // Entries stored next to each other go out as one slice.
      for (let k = 0; k < s.positions.length;) {
        const from = s.positions[k]!;
        let to = from + 1;
        for (k++; k < s.positions.length && s.positions[k] === to; k++) to++;
        if (from !== s.positions[0]) parts.push(COMMA);
        parts.push(bytes.subarray(starts[from]!, starts[to]! - 1));
      }
      parts.push(Buffer.from(']}'));
    }
    parts.push(Buffer.from('],"stats":{},"encodingFlags":["categorize-labels"]}}'));
    const body = parts.length > 16 ? [Buffer.concat(parts)] : parts;
    if (
      this.tooLargeForGrpc(
        body.reduce((n, b) => n + b.length, 0),
        res
      )
    )
      return;
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': body.reduce((n, b) => n + b.length, 0),
    });
    res.cork();
    for (const b of body) res.write(b);
    res.end();
  }

  /** The wire form of every entry, made once after entries are added. */
  private wireFormat(): Wire {
    this.sortOnce();
    if (this.wire) return this.wire;
    const values = this.entries.map((e) => JSON.stringify([String(e.ts), e.line, categorized(e.metadata)]));
    const starts = new Float64Array(values.length + 1);
    for (let i = 0; i < values.length; i++) starts[i + 1] = starts[i]! + Buffer.byteLength(values[i]!) + 1;
    const bytes = Buffer.allocUnsafe(starts[values.length]!);
    for (let i = 0; i < values.length; i++) {
      bytes.write(values[i]!, starts[i]!);
      bytes[starts[i + 1]! - 1] = 0x2c;
    }
    this.wire = { bytes, starts };
    return this.wire;
  }

  // Entries are kept sorted by (ts, push order), so a page is a scan from a binary-searched bound.
  // Both scans give positions in `entries`.
  private scanForward(start: bigint, end: bigint, limit: number, q: LogQuery): number[] {
    const out: number[] = [];
    for (let i = this.lowerBound(start); i < this.entries.length && out.length < limit; i++) {
      const e = this.entries[i]!;
      if (e.ts >= end) break;
      if (entryMatches(q, e)) out.push(i);
    }
    return out;
  }

  // Backward reverses time but keeps push order among the entries of one timestamp, as Loki does.
  private scanBackward(start: bigint, end: bigint, limit: number, q: LogQuery): number[] {
    const out: number[] = [];
    let i = this.lowerBound(end);
    while (i > 0 && out.length < limit) {
      let j = i - 1;
      const ts = this.entries[j]!.ts;
      if (ts < start) break;
      while (j > 0 && this.entries[j - 1]!.ts === ts) j--;
      for (let k = j; k < i && out.length < limit; k++) if (entryMatches(q, this.entries[k]!)) out.push(k);
      i = j;
    }
    return out;
  }

  private lowerBound(ts: bigint): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private sortOnce(): void {
    if (this.sorted) return;
    this.entries.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.seq - b.seq));
    this.sorted = true;
    this.wire = undefined;
  }
}

/**
 * `sum by (...) (count_over_time(... [range]))` at `t`: entries in (t - range, t], as Loki's range vectors.
 * `matching` is in time order, so the entries of each evaluation are found by binary search.
 */
function countAt(
  count: CountQuery,
  matching: readonly StoredEntry[],
  t: bigint
): Array<{ metric: Record<string, string>; n: number }> {
  const counts = new Map<string, { metric: Record<string, string>; n: number }>();
  for (let i = firstAfter(matching, t - count.rangeNs); i < matching.length && matching[i]!.ts <= t; i++) {
    const e = matching[i]!;
    const metric: Record<string, string> = {};
    for (const by of count.by) {
      const v = e.metadata[by] ?? e.labels[by];
      if (v !== undefined && v !== '') metric[by] = v;
    }
    const key = JSON.stringify(metric);
    const c = counts.get(key) ?? { metric, n: 0 };
    c.n += 1;
    counts.set(key, c);
  }
  return [...counts.values()];
}

/** The k largest counts of an evaluation under `topk(k, ...)`, all of them otherwise. */
function topOf<C extends { n: number }>(count: CountQuery, counts: C[]): C[] {
  return count.topk === undefined ? counts : [...counts].sort((a, b) => b.n - a.n).slice(0, count.topk);
}

/** Index of the first entry later than `ts` in entries sorted by time. */
function firstAfter(entries: readonly StoredEntry[], ts: bigint): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.ts <= ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Sample times are float seconds with millisecond precision, as Loki writes them.
function seconds(t: bigint): number {
  return Number(t / 1_000_000n) / 1000;
}

/**
 * The third element of a value in the categorize-labels encoding: `{}` for an entry without structured metadata
 * (Loki omits the empty `structuredMetadata`, `pkg/util/marshal/query.go`), `{structuredMetadata: {...}}` otherwise.
 */
function categorized(metadata: Readonly<Record<string, string>>): object {
  return Object.keys(metadata).length === 0 ? {} : { structuredMetadata: metadata };
}

/** The entry without the labels and metadata a `| drop` stage removes or a `| keep` stage does not name. */
function withoutFields(
  e: StoredEntry,
  dropped: ReadonlySet<string>,
  kept: ReadonlySet<string> | undefined
): StoredEntry {
  if (dropped.size === 0 && !kept) return e;
  const keep = (o: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(o).filter(([k]) => !dropped.has(k) && (!kept || kept.has(k))));
  return { ...e, labels: keep(e.labels), metadata: keep(e.metadata) };
}

/**
 * A metric query answering more than `max_query_series` series is refused with a 400, whatever the query
 * (`JoinSampleVector` in Loki's `pkg/logql/engine.go` for the querier, `seriesLimiter` in
 * `pkg/querier/queryrange/limits.go` for the frontend; the message is `NewSeriesLimitError` of
 * `pkg/logqlmodel/error.go`). `topk` does not help: the inner `sum by` is what is counted.
 */
function checkSeriesLimit(series: number, max: number): void {
  if (series > max) {
    throw new LokiQueryError(
      `maximum number of series (${max}) reached for a single query; consider reducing query cardinality by adding more specific stream selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()`
    );
  }
}

const streamKeys = new WeakMap<object, string>();

// Seeded entries share label objects, so their stream key is computed once per object.
function streamKey(labels: Readonly<Record<string, string>>): string {
  let key = streamKeys.get(labels);
  if (key === undefined) {
    key = JSON.stringify(Object.entries(labels).sort());
    streamKeys.set(labels, key);
  }
  return key;
}

/** Loki accepts ns integers, float seconds and RFC 3339. */
function parseTime(value: string): bigint {
  if (/^\d+$/.test(value)) return value.length > 12 ? BigInt(value) : BigInt(value) * 1_000_000_000n;
  if (/^\d+\.\d+$/.test(value)) return BigInt(Math.round(Number(value) * 1e6)) * 1000n;
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new LokiQueryError(`invalid parameter "start/end": cannot parse "${value}" to a valid timestamp`);
  return BigInt(ms) * 1_000_000n;
}

function parseStep(value: string | null, start: bigint, end: bigint): bigint {
  if (value === null) {
    const auto = (end - start) / 250n;
    return auto > 1_000_000_000n ? auto : 1_000_000_000n;
  }
  if (/^\d+(\.\d+)?$/.test(value)) return BigInt(Math.round(Number(value) * 1000)) * 1_000_000n;
  const m = /^(\d+)(ms|s|m|h)$/.exec(value);
  if (!m) throw new LokiQueryError(`invalid parameter "step": ${value}`);
  const unit = { ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n }[
    m[2] as 'ms' | 's' | 'm' | 'h'
  ];
  return BigInt(m[1]!) * unit;
}

function scalar(v: OtlpValue): string {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return String(v.doubleValue);
  if (v.boolValue !== undefined) return String(v.boolValue);
  return '';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
