import { UpstreamError } from '../domain-errors';
import { buildCountQuery, withFieldValues } from '@auditlens/loki';
import { windowsForward } from '@auditlens/loki';
import type { LokiClient } from '@auditlens/loki';
import { planCountPieces, type CountPiece } from './count-buckets';
import type { CountCache, CountCell } from './count-cache';

const MS = 1_000_000n;

/** Loki refused a count for answering more series than its `max_query_series`: the field has too many values. */
export class TooManyValuesError extends Error {
  constructor(readonly upstream: UpstreamError) {
    super(upstream.message);
    this.name = 'TooManyValuesError';
  }
}

/** True for Loki's refusal of a metric query with more than `max_query_series` series (`NewSeriesLimitError`). */
export function isSeriesLimitError(error: unknown): error is UpstreamError {
  return (
    error instanceof UpstreamError &&
    error.upstream === 'loki' &&
    error.upstreamStatus === 400 &&
    error.message.includes('maximum number of series')
  );
}

/** Options of {@link FacetCounter}. */
export interface FacetCounterOptions {
  /** Loki's `max_query_length` in ns (0n: none). */
  readonly maxQueryLengthNs: bigint;
  /** Where the counts of settled buckets are kept; undefined: nothing is kept, each range is one query per window. */
  readonly cache?: CountCache;
  /** How long after a bucket ends its counts are taken as final, in ms. The default value is 600000 (10 minutes). */
  readonly settleMs?: number;
  /** Count queries of one request at Loki at once. The default value is 3. */
  readonly concurrency?: number;
  /** Clock in ms. Default `Date.now`. */
  readonly now?: () => number;
}

/** What to count: the events of `logQuery` in [start, end) per value of `field`. */
export interface FacetCountQuery {
  readonly logQuery: string;
  /** The Loki name of the field. */
  readonly field: string;
  /** Inclusive, ns (whole milliseconds). */
  readonly start: bigint;
  /** Exclusive, ns (whole milliseconds). */
  readonly end: bigint;
  readonly signal?: AbortSignal;
}

/**
 * Exact counts of a field's values over a range, kept per settled UTC hour and day (`count-buckets.ts`), so a range
 * that ends now is counted by two small queries once its past hours are known: the part before its first whole hour
 * and the newest part. Each piece is an instant query evaluated 1 ns before the piece's end over a range as long as
 * the piece, so Loki's (time - range, time] is exactly [start, end).
 *
 * A count of every value fails with {@link TooManyValuesError} when a piece has more values than Loki's
 * `max_query_series`; {@link countValues} then counts named values only. Kept cells remember which values they
 * know, so asking again for the same values costs no query.
 */
export class FacetCounter {
  constructor(
    private readonly loki: LokiClient,
    private readonly options: FacetCounterOptions
  ) {}

  /** Every value of the field with its count (values without events left out). */
  countAll(q: FacetCountQuery): Promise<Map<string, number>> {
    return this.count(q, undefined);
  }

  /** The counts of `values` only (0 for those without events). */
  countValues(q: FacetCountQuery, values: readonly string[]): Promise<Map<string, number>> {
    return this.count(q, [...new Set(values)]);
  }

  /**
   * Every value of each of `fields` with its count over [start, end), from one query per window split by all of
   * them at once (a series per combination of their values), never kept: the newest part of a range counted once
   * for all of a log type's fields with few values. Fails with {@link TooManyValuesError} when the combinations
   * are more than Loki's `max_query_series`.
   */
  async countFields(
    q: Omit<FacetCountQuery, 'field'>,
    fields: readonly string[]
  ): Promise<Map<string, Map<string, number>>> {
    const totals = new Map(fields.map((f) => [f, new Map<string, number>()]));
    const stop = new AbortController();
    const signal = q.signal ? AbortSignal.any([q.signal, stop.signal]) : stop.signal;
    const tasks = windowsForward(q.start, q.end, this.options.maxQueryLengthNs).map((w) => async () => {
      const series = await this.loki.queryInstant({
        query: buildCountQuery(q.logQuery, fields, (w.end - w.start + MS - 1n) / MS),
        time: w.end - 1n,
        signal,
        lane: 'counts',
      });
      for (const s of series) {
        const n = s.values.reduce((sum, [, v]) => sum + v, 0);
        for (const [field, counts] of totals) {
          const value = s.metric[field];
          if (value !== undefined && value !== '') counts.set(value, (counts.get(value) ?? 0) + n);
        }
      }
    });
    try {
      await runAll(tasks, this.options.concurrency ?? 3);
    } catch (error) {
      stop.abort();
      throw isSeriesLimitError(error) ? new TooManyValuesError(error) : error;
    }
    return totals;
  }

  private async count(
    q: FacetCountQuery,
    values: readonly string[] | undefined
  ): Promise<Map<string, number>> {
    if (values?.length === 0) return new Map();
    const cache = this.options.cache;
    const settledBefore = BigInt((this.options.now ?? Date.now)() - (this.options.settleMs ?? 600_000)) * MS;
    const pieces: CountPiece[] = cache
      ? planCountPieces(q.start, q.end, settledBefore, this.options.maxQueryLengthNs)
      : windowsForward(q.start, q.end, this.options.maxQueryLengthNs).map((w) => ({ ...w, settled: false }));
    const stop = new AbortController();
    const signal = q.signal ? AbortSignal.any([q.signal, stop.signal]) : stop.signal;
    const totals = new Map<string, number>();
    // Every value asked for is known in the counts added (a complete cell knows them all).
    const add = (counts: ReadonlyMap<string, number>) => {
      for (const v of values ?? counts.keys()) totals.set(v, (totals.get(v) ?? 0) + (counts.get(v) ?? 0));
    };
    const tasks = pieces.map((piece) => async () => {
      const key = piece.settled ? cellKey(q, piece) : undefined;
      const cell = key ? cache?.get(key) : undefined;
      const needed = cell?.complete ? [] : values ? values.filter((v) => !cell?.counts.has(v)) : undefined;
      if (cell && needed?.length === 0) {
        add(cell.counts);
        return;
      }
      const counts = await this.queryPiece(q, piece, needed, signal);
      if (needed) for (const v of needed) if (!counts.has(v)) counts.set(v, 0);
      const merged: CountCell =
        needed === undefined
          ? { complete: true, counts }
          : { complete: false, counts: new Map([...(cell?.counts ?? []), ...counts]) };
      if (key) cache?.set(key, merged);
      add(merged.counts);
    });
    try {
      await runAll(tasks, this.options.concurrency ?? 3);
    } catch (error) {
      stop.abort();
      throw isSeriesLimitError(error) ? new TooManyValuesError(error) : error;
    }
    return totals;
  }

  private async queryPiece(
    q: FacetCountQuery,
    piece: CountPiece,
    values: readonly string[] | undefined,
    signal: AbortSignal
  ): Promise<Map<string, number>> {
    const logQuery = values ? withFieldValues(q.logQuery, q.field, values) : q.logQuery;
    const series = await this.loki.queryInstant({
      query: buildCountQuery(logQuery, q.field, (piece.end - piece.start + MS - 1n) / MS),
      time: piece.end - 1n,
      signal,
      lane: 'counts',
    });
    const counts = new Map<string, number>();
    for (const s of series) {
      const value = s.metric[q.field];
      // Events without the field form one series without it; they are no value of the field.
      if (value === undefined || value === '') continue;
      counts.set(value, (counts.get(value) ?? 0) + s.values.reduce((n, [, v]) => n + v, 0));
    }
    return counts;
  }
}

function cellKey(q: FacetCountQuery, piece: CountPiece): string {
  return `facet\u0000${q.logQuery}\u0000${q.field}\u0000${piece.start}\u0000${piece.end}`;
}

/** Runs the tasks, `concurrency` at a time; the first failure rejects at once (the others are left to settle). */
async function runAll(tasks: ReadonlyArray<() => Promise<void>>, concurrency: number): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
}
