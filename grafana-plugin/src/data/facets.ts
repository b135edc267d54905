import { EMPTY, catchError, distinctUntilChanged, from, map, merge, scan, type Observable } from 'rxjs';
import type { LogType } from '@auditlens/contract';
import type { AuditLensApi } from '../api/client';

/** Which values of one filter field occur, over one range, under the other filters. */
export interface FacetQuery {
  readonly logType: LogType;
  readonly field: string;
  readonly from: number;
  readonly to: number;
  readonly filters: Readonly<Record<string, string>>;
}

/** A value of a field; `count` is absent when the source only suggests values. */
export interface FacetValue {
  readonly value: string;
  readonly count?: number;
}

/**
 * Where facet values come from. Several sources may answer one query: a fast one that only suggests values
 * (a service index of recent values, say) and a slower one with exact counts; the dropdown shows whichever
 * has answered, and exact counts win.
 */
export interface FacetSource {
  /** True when the answer has exact counts (and so replaces any suggestions). */
  readonly exact: boolean;
  values(query: FacetQuery): Promise<readonly FacetValue[]>;
}

/** The values the sources know so far; `exact` once an exact source has answered. */
export interface FacetAnswer {
  readonly values: readonly FacetValue[];
  readonly exact: boolean;
}

/**
 * Asks every source at once and emits each better answer: suggestions while nothing exact is in, then the
 * exact counts, after which late suggestions are ignored. A failing suggestion source is skipped; a failing
 * exact source fails the answer.
 */
export function facetAnswers(sources: readonly FacetSource[], query: FacetQuery): Observable<FacetAnswer> {
  const answers = sources.map((source) => {
    const values = from(source.values(query)).pipe(map((v) => ({ values: v, exact: source.exact })));
    return source.exact ? values : values.pipe(catchError(() => EMPTY));
  });
  return merge(...answers).pipe(
    scan<FacetAnswer, FacetAnswer | null>((best, next) => (best?.exact ? best : next), null),
    map((best) => best!),
    // `scan` repeats the exact answer when a suggestion arrives after it; pass each answer on once.
    distinctUntilChanged()
  );
}

/** Remembers exact facet answers per query for a while, so reopening a dropdown over one range asks nothing. */
export class FacetCache {
  private readonly entries = new Map<string, { at: number; values: Promise<readonly FacetValue[]> }>();

  /**
   * @param maxEntries oldest entries go first past this many (default 200)
   * @param ttlMs an answer is asked again after this long, as late events may still arrive (default 5 minutes)
   * @param now the clock, for tests
   */
  constructor(
    private readonly maxEntries = 200,
    private readonly ttlMs = 5 * 60_000,
    private readonly now: () => number = Date.now
  ) {}

  /** The cached answer of `query`, or `load()`'s, kept unless it fails. */
  get(query: FacetQuery, load: () => Promise<readonly FacetValue[]>): Promise<readonly FacetValue[]> {
    const key = JSON.stringify([query.logType, query.field, query.from, query.to, sorted(query.filters)]);
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.values;
    const values = load();
    this.entries.delete(key);
    this.entries.set(key, { at: this.now(), values });
    values.catch(() => this.entries.get(key)?.values === values && this.entries.delete(key));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return values;
  }
}

function sorted(filters: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(filters).sort(([a], [b]) => a.localeCompare(b));
}

/** Exact counts from the service's facets route, remembered in `cache`. */
export function apiFacetCounts(api: AuditLensApi, cache = new FacetCache()): FacetSource {
  return {
    exact: true,
    values: (q) =>
      cache.get(
        q,
        async () => (await api.facets(q.logType, q.field, q.from, q.to, q.filters, 'exact')).values
      ),
  };
}

/**
 * Suggestions from the facets route's `mode=suggest`: the values among the newest events of the range, most
 * frequent first, answered in well under a second where exact counts over a day can take seconds. Their counts
 * are within the sample, not totals, so they are left out. Remembered for a minute (the service keeps its
 * sample as long).
 */
export function apiFacetSuggestions(api: AuditLensApi, cache = new FacetCache(200, 60_000)): FacetSource {
  return {
    exact: false,
    values: (q) =>
      cache.get(q, async () =>
        (await api.facets(q.logType, q.field, q.from, q.to, q.filters, 'suggest')).values.map(
          ({ value }) => ({
            value,
          })
        )
      ),
  };
}
