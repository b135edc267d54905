import {
  ATTR,
  FILTER_FIELDS,
  lokiFieldName,
  type AuditRow,
  type FacetMode,
  type FacetsResponse,
  type FilterField,
  type LogType,
  type StatsResponse,
  type StatsSplit,
} from '@auditlens/contract';
import { InvalidInputError } from '../domain-errors';
import { buildCountQuery, buildLogQuery, type QueryOptions } from '@auditlens/loki';
import { entryIdentity } from '@auditlens/loki';
import { DEFAULT_MAX_QUERY_LENGTH_NS } from '@auditlens/loki';
import { windowsGrowingBackward } from '@auditlens/loki';
import type { LokiClient, LokiEntry } from '@auditlens/loki';
import type { NsRange } from './time-range';
import { queryMetricsKept } from './cached-metrics';
import { CountCache } from './count-cache';
import { decodeCursor, encodeCursor } from './cursor';
import { ExpiringCache } from './expiring-cache';
import { FacetCounter, TooManyValuesError } from './facet-counter';
import { sampleFieldValues, type FieldSample } from './facet-sample';
import { asUserQuery } from './loki-rejection';
import { toAuditRow } from './rows';
import { chooseStatsStep } from './stats-step';
import type { CountsReader } from './counts/counts-store';
import { KeptCounts, type KeptUntil } from './counts/kept-counts';

const MS = 1_000_000n;

/**
 * The newest window a page of rows is first asked for: five minutes, then growing back (1 h, 3 h, ... had it start at
 * an hour). Loki reads every chunk that overlaps a log query's range, and from its store (chunks flushed a minute
 * or so after they fill) it decompresses them all even for 100 rows: measured on Loki 3.7.6 over a busy hour
 * (500,000 events), the newest 100 took 0.4 to 1.1 s over the hour and 0.1 to 0.25 s over its newest five minutes.
 * A quiet trail asks two or three more small requests instead.
 */
const FIRST_ROWS_WINDOW_NS = 300_000_000_000n;

/** Events a facet sample holds at most (fewer when Loki's `max_entries_limit_per_query` is lower). */
const SAMPLE_SIZE = 2000;
/** Values of a sample counted exactly when a field has too many values to count them all. */
const CANDIDATES = 100;
/** Characters of LogQL the counted values may take (`| f="a" or f="b" ...`), so the query stays a short URL. */
const CANDIDATE_CHARS = 8000;
/** Values a facets answer lists at most. */
const MAX_FACET_VALUES = 1000;
/** How long a field found to have too many values to count them all is counted by its sampled values only. */
const MANY_VALUES_MS = 3_600_000;

/** What the reader keeps between requests (see README "Facets, charts and caching"). */
export interface LogReaderCaching {
  /** Values of settled count buckets kept, over all of them (each a few dozen bytes). */
  readonly values: number;
  /** How long after a bucket ends its counts are final, ms. The default value is 600000 (10 minutes). */
  readonly settleMs?: number;
  /** How long a facet sample is reused, ms. The default value is 60000. */
  readonly sampleTtlMs?: number;
}

/** Options of {@link LogReader}. */
export interface LogReaderOptions extends QueryOptions {
  /** Loki's `max_entries_limit_per_query`: the most entries one request may ask for. */
  readonly maxEntries: number;
  /** Loki's `max_query_length` in ns (0n: none); longer ranges are read in windows. The default value is 721h. */
  readonly maxQueryLengthNs?: bigint;
  /** Loki's `max_query_series`: most values of a field one count query may answer. The default value is 500. */
  readonly maxQuerySeries?: number;
  /** Counts and samples kept between requests. Default: none kept. */
  readonly caching?: LogReaderCaching;
  /**
   * Counts the follower keeps (`counts/`), and where they end per log type: facets and charts come from them for
   * the part of a range they cover. Default: none kept, every count is asked of Loki.
   */
  readonly kept?: { readonly store: CountsReader; readonly keptUntil: KeptUntil };
  /** Clock in ms. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Reads audit rows, facets and counts of one log type from Loki for the plugin's pages. Ranges longer than Loki's
 * `max_query_length` are read in windows; a query Loki rejects (4xx) is a 400 with Loki's reason.
 */
export class LogReader {
  private readonly maxQueryLengthNs: bigint;
  private readonly cache: CountCache | undefined;
  private readonly counter: FacetCounter;
  private readonly samples: ExpiringCache<FieldSample>;
  private readonly kept: KeptCounts | undefined;
  /** Fields (per log query) found to have too many values to count them all, and when. */
  private readonly manyValues = new Map<string, number>();
  /** The values last counted for such a field, and the sample they came from. */
  private readonly candidates = new Map<string, { at: number; sample: FieldSample; values: string[] }>();

  constructor(
    private readonly loki: LokiClient,
    private readonly options: LogReaderOptions
  ) {
    this.maxQueryLengthNs = options.maxQueryLengthNs ?? DEFAULT_MAX_QUERY_LENGTH_NS;
    const caching = options.caching;
    this.cache = caching && caching.values > 0 ? new CountCache(caching.values) : undefined;
    this.counter = new FacetCounter(loki, {
      maxQueryLengthNs: this.maxQueryLengthNs,
      cache: this.cache,
      settleMs: caching?.settleMs,
      now: options.now,
    });
    this.samples = new ExpiringCache(caching ? (caching.sampleTtlMs ?? 60_000) : 0, 500, options.now);
    const kept = options.kept;
    // The parts kept counts leave to Loki are the newest minutes and what is older than was followed: each counted
    // whole (one query per max_query_length window), not cut into hours, which would ask a month as 30+ queries.
    const uncut = new FacetCounter(loki, { maxQueryLengthNs: this.maxQueryLengthNs, now: options.now });
    this.kept = kept ? new KeptCounts(kept.store, kept.keptUntil, uncut, loki) : undefined;
  }

  /** Values held in the count cache (for tests and diagnostics). */
  get cachedValues(): number {
    return this.cache?.size.values ?? 0;
  }

  /** A page of rows, newest first, after `cursor`. */
  async list(
    logType: LogType,
    range: NsRange,
    filters: Readonly<Record<string, string>>,
    limit: number,
    cursor?: string
  ): Promise<{ rows: AuditRow[]; nextCursor: string | null }> {
    const query = buildLogQuery(logType, filters, this.options);
    const after = cursor ? decodeCursor(cursor) : undefined;
    const seen = new Set(after?.seen ?? []);
    // The page ends just after the cursor's timestamp (end is exclusive), and skips what was shown at it.
    const end = after ? (after.ts + 1n < range.end ? after.ts + 1n : range.end) : range.end;
    const fresh: LokiEntry[] = [];
    const windows = windowsGrowingBackward(range.start, end, this.maxQueryLengthNs, FIRST_ROWS_WINDOW_NS);
    let more = false;
    for (const [i, w] of windows.entries()) {
      const want = Math.min(this.options.maxEntries, limit - fresh.length + seen.size);
      const entries = await asUserQuery(() =>
        this.loki.queryLogs({
          query,
          start: w.start,
          end: w.end,
          limit: want,
          direction: 'backward',
          lane: 'rows',
        })
      );
      const unseen = entries.filter((e) => !(after && e.ts === after.ts && seen.has(entryIdentity(e))));
      const room = limit - fresh.length;
      fresh.push(...unseen.slice(0, room));
      // More may follow when the window held more than was asked for or shown, or older windows remain.
      const windowLeftSome = entries.length >= want || unseen.length > room;
      if (windowLeftSome || fresh.length >= limit) {
        more = fresh.length > 0 && (windowLeftSome || i < windows.length - 1);
        break;
      }
    }
    const rows = fresh.map((e) => toAuditRow(e, logType));
    if (!more) return { rows, nextCursor: null };
    const last = fresh[fresh.length - 1]!.ts;
    const atLast = fresh.filter((e) => e.ts === last).map(entryIdentity);
    const carried = after && after.ts === last ? [...after.seen, ...atLast] : atLast;
    return { rows, nextCursor: encodeCursor({ ts: last, seen: carried }) };
  }

  /**
   * Values of a filter field, most frequent first: `exact` counts every event of the range (per settled hour and
   * day, kept; see `facet-counter.ts`), `suggest` the values of a sample of the newest events (`facet-sample.ts`).
   * A field with more values than Loki counts in one query is counted for the most frequent values of a sample
   * only, and the answer says it is not complete. Where the follower keeps counts (`kept`), both modes answer
   * exact counts from them for the kept part of the range and from Loki for the rest (`counts/kept-counts.ts`).
   */
  async facets(
    logType: LogType,
    range: NsRange,
    fieldKey: string,
    filters: Readonly<Record<string, string>>,
    mode: FacetMode = 'exact'
  ): Promise<FacetsResponse> {
    const field = filterField(logType, fieldKey);
    const others = Object.fromEntries(Object.entries(filters).filter(([k]) => k !== fieldKey));
    const logQuery = buildLogQuery(logType, others, this.options);
    if (this.kept) {
      const kept = this.kept;
      const answer = await asUserQuery(() =>
        kept.facets({
          logType,
          range,
          field: field.lokiField,
          fieldKey,
          filters: others,
          logQuery,
          maxValues: MAX_FACET_VALUES,
          candidates: { count: CANDIDATES, chars: CANDIDATE_CHARS },
          maxSeries: this.options.maxQuerySeries ?? 500,
        })
      );
      if (answer) return answer;
    }
    if (mode === 'suggest') {
      const sample = await this.sample(logQuery, field, range);
      return {
        field: fieldKey,
        values: sample.values.slice(0, MAX_FACET_VALUES),
        counts: 'sample',
        sampled: sample.sampled,
        complete: false,
      };
    }
    const q = { logQuery, field: field.lokiField, start: range.start, end: range.end };
    const key = valuesKey(logQuery, field);
    const now = this.now();
    let counts: Map<string, number> | undefined;
    if (now - (this.manyValues.get(key) ?? -Infinity) > MANY_VALUES_MS) {
      try {
        counts = await asUserQuery(() => this.counter.countAll(q));
      } catch (error) {
        if (!(error instanceof TooManyValuesError)) throw error;
        remember(this.manyValues, key, now);
      }
    }
    const complete = counts !== undefined;
    counts ??= await asUserQuery(async () =>
      this.counter.countValues(q, await this.candidatesFor(key, logQuery, field, range))
    );
    const values = [...counts]
      .filter(([, count]) => count > 0)
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    return {
      field: fieldKey,
      values: values.slice(0, MAX_FACET_VALUES),
      counts: 'exact',
      complete: complete && values.length <= MAX_FACET_VALUES,
    };
  }

  /**
   * A sample of the field's values among the newest events of the range, reused for a minute. One with more values
   * than Loki counts at once (the dropdown asked for suggestions first) shows that the field's hours have more:
   * counting all of them would only be refused, so the exact counts go straight to the sampled values.
   */
  private sample(logQuery: string, field: FilterField, range: NsRange): Promise<FieldSample> {
    return this.samples.get(sampleKey(logQuery, field, range), async () => {
      const sample = await asUserQuery(() =>
        sampleFieldValues(this.loki, {
          logQuery,
          field: field.lokiField,
          start: range.start,
          end: range.end,
          size: Math.min(SAMPLE_SIZE, this.options.maxEntries),
          maxQueryLengthNs: this.maxQueryLengthNs,
        })
      );
      if (sample.values.length > (this.options.maxQuerySeries ?? 500))
        remember(this.manyValues, valuesKey(logQuery, field), this.now());
      return sample;
    });
  }

  /**
   * The values to count of a field with too many to count them all: the most frequent of a sample. The same
   * values are counted again (and their kept counts reused) while their sample lies within the range asked and is
   * younger than the settle time, so a range ending now keeps its list as it moves.
   */
  private async candidatesFor(
    key: string,
    logQuery: string,
    field: FilterField,
    range: NsRange
  ): Promise<string[]> {
    const now = this.now();
    const last = this.candidates.get(key);
    const span = last?.sample.span;
    if (
      last &&
      span &&
      now - last.at <= (this.options.caching?.settleMs ?? 600_000) &&
      span.oldest >= range.start &&
      span.newest < range.end
    ) {
      return last.values;
    }
    const sample = await this.sample(logQuery, field, range);
    const values: string[] = [];
    let chars = 0;
    for (const { value } of sample.values) {
      chars += value.length + field.lokiField.length + 8;
      if (values.length >= CANDIDATES || chars > CANDIDATE_CHARS) break;
      values.push(value);
    }
    remember(this.candidates, key, { at: now, sample, values });
    return values;
  }

  /**
   * Event counts per step, split by action or outcome, on Loki's step grid (multiples of step from the epoch;
   * each point counts the step before it). The step keeps every series within Loki's 11,000 points.
   */
  async stats(
    logType: LogType,
    range: NsRange,
    by: StatsSplit,
    filters: Readonly<Record<string, string>>,
    step?: number
  ): Promise<StatsResponse> {
    const stepSeconds = chooseStatsStep(range.end - range.start, step, this.maxQueryLengthNs);
    const field = by === 'action' ? lokiFieldName(ATTR.action) : lokiFieldName(ATTR.outcome);
    const query = buildCountQuery(
      buildLogQuery(logType, filters, this.options),
      field,
      BigInt(stepSeconds) * 1000n
    );
    const settledBefore = BigInt(this.now() - (this.options.caching?.settleMs ?? 600_000)) * MS;
    const points = (start: bigint, end: bigint) =>
      queryMetricsKept(this.loki, this.cache, settledBefore, {
        query,
        start,
        end,
        stepSeconds,
        maxQueryLengthNs: this.maxQueryLengthNs,
        lane: 'counts',
      });
    if (this.kept) {
      const kept = this.kept;
      const answer = await asUserQuery(() =>
        kept.stats({
          logType,
          range,
          by,
          filters,
          stepSeconds,
          logQuery: buildLogQuery(logType, filters, this.options),
          livePoints: points,
        })
      );
      if (answer) return answer;
    }
    const series = await asUserQuery(() => points(range.start, range.end));
    return {
      by,
      step: stepSeconds,
      series: series.map((s) => ({
        name: s.metric[field] ?? '(none)',
        points: s.values.map(([t, v]) => [Math.round(t * 1000), v] as const),
      })),
    };
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

/** The log type's filter field `key`; a 400 naming `field` when there is none. */
function filterField(logType: LogType, key: string): FilterField {
  const field = FILTER_FIELDS[logType].find((f) => f.key === key);
  if (!field) {
    throw new InvalidInputError('invalid field', [
      { field: 'field', message: `must be one of ${FILTER_FIELDS[logType].map((f) => f.key).join(', ')}` },
    ]);
  }
  return field;
}

/** The key of a field of a log query, for what is known about its values. */
function valuesKey(logQuery: string, field: FilterField): string {
  return `${logQuery}\u0000${field.lokiField}`;
}

function sampleKey(logQuery: string, field: FilterField, range: NsRange): string {
  return `${logQuery}\u0000${field.lokiField}\u0000${range.start}\u0000${range.end}`;
}

/** Sets `key` in a map kept to 1000 entries, the oldest set dropped first. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > 1000) map.delete(map.keys().next().value!);
}
