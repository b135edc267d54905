import type { FacetsResponse, LogType, StatsResponse, StatsSplit } from '@auditlens/contract';
import { buildCountQuery, type LokiClient, type LokiSeries } from '@auditlens/loki';
import type { NsRange } from '../time-range';
import { TooManyValuesError, type FacetCountQuery } from '../facet-counter';
import { ACTION_FIELD, OUTCOME_FIELD, fewValuedFields, manyValued } from './counted-fields';
import { GRAIN_MINUTES, type CountsReader, type Grain, type GrainSpan } from './counts-store';

const MINUTE_NS = 60_000_000_000n;
const S = 1_000_000_000n;

/** Where kept counts end for a log type: the counts consumer's cursor (ns); undefined: nothing is kept yet. */
export type KeptUntil = (logType: LogType) => Promise<bigint | undefined>;

/** Counts of a field's values over a part of a range that is not kept: Loki's (the reader's `FacetCounter`). */
export interface LiveFacetCounter {
  countAll(q: FacetCountQuery): Promise<Map<string, number>>;
  countValues(q: FacetCountQuery, values: readonly string[]): Promise<Map<string, number>>;
  countFields(
    q: Omit<FacetCountQuery, 'field'>,
    fields: readonly string[]
  ): Promise<Map<string, Map<string, number>>>;
}

/**
 * How long the live counts of a part are shared: the calls of one page arrive together, and a range ending now
 * ends on the same `LOKI_SHARE_SECONDS` step for that long, so its parts are the same.
 */
const SHARED_LIVE_MS = 5000;

/** How long the store's answers about which minutes are kept are shared. */
const RECENT_MS = 1000;

/** What a facets question asks of kept counts. */
export interface KeptFacetQuestion {
  readonly logType: LogType;
  readonly range: NsRange;
  /** The Loki name of the field counted. */
  readonly field: string;
  /** The filter key of the field (answered as `field`). */
  readonly fieldKey: string;
  /** The other filters set (the field's own left out). */
  readonly filters: Readonly<Record<string, string>>;
  /** The log query of the events (the other filters), for the live parts. */
  readonly logQuery: string;
  /** Values listed at most. */
  readonly maxValues: number;
  /** Values counted live when the field has more than Loki counts at once, and the LogQL characters they may take. */
  readonly candidates: { readonly count: number; readonly chars: number };
  /** Values Loki counts in one query (its `max_query_series`). */
  readonly maxSeries: number;
}

/** What a stats question asks of kept counts. */
export interface KeptStatsQuestion {
  readonly logType: LogType;
  readonly range: NsRange;
  readonly by: StatsSplit;
  readonly filters: Readonly<Record<string, string>>;
  readonly stepSeconds: number;
  /** The log query of the events, for the live parts. */
  readonly logQuery: string;
  /** The points of grid points [first, last] (ns) from Loki, as `queryMetricsKept` answers them. */
  readonly livePoints: (first: bigint, last: bigint) => Promise<LokiSeries[]>;
}

/** Minutes since the epoch of t (ns), rounded up or down. */
const floorMinute = (t: bigint) => Number(t / MINUTE_NS);
const ceilMinute = (t: bigint) => Number((t + MINUTE_NS - 1n) / MINUTE_NS);

/**
 * [from, to) in minutes cut into the fewest periods the store keeps: up the grains (minutes, ten minutes, hours)
 * to the first whole day, days, then down the grains again.
 */
export function grainSpans(from: number, to: number): GrainSpan[] {
  const spans: GrainSpan[] = [];
  let t = from;
  const push = (grain: Grain, until: number) => {
    if (until <= t) return;
    spans.push({ grain, from: t, to: until });
    t = until;
  };
  const up = ['m', 't', 'h', 'd'] as const;
  for (let i = 0; i < up.length - 1; i++) {
    const size = GRAIN_MINUTES[up[i]!];
    const next = GRAIN_MINUTES[up[i + 1]!];
    if (t % size !== 0) break;
    push(up[i]!, Math.min(to - (to % size), Math.ceil(t / next) * next));
  }
  for (const grain of ['d', 'h', 't', 'm'] as const) {
    const size = GRAIN_MINUTES[grain];
    if (t % size === 0) push(grain, to - (to % size));
  }
  return spans;
}

/**
 * Facets and charts answered from the counts the follower keeps (`CountsStore`) for the part of a range it has
 * counted, and from Loki for the rest: the unsettled newest minutes (a small query) and anything older than what
 * was followed. Answers undefined when kept counts cannot help (a filter other than action, a text filter, a step
 * that is not whole minutes, or nothing kept in the range), and the caller counts at Loki as before.
 */
export class KeptCounts {
  constructor(
    private readonly store: CountsReader,
    private readonly keptUntil: KeptUntil,
    private readonly live: LiveFacetCounter,
    private readonly loki: LokiClient
  ) {}

  /**
   * The kept part of [start, end): whole minutes within what the follower counted, checked minute by minute in the
   * store; undefined when none is kept.
   */
  async keptPart(
    logType: LogType,
    start: bigint,
    end: bigint
  ): Promise<{ from: number; to: number } | undefined> {
    const [until, kept] = await Promise.all([
      this.keptUntil(logType),
      this.recently(`minutes\u0000${logType}`, RECENT_MS, () => this.store.keptMinutes(logType)),
    ]);
    if (until === undefined || !kept) return undefined;
    const from = Math.max(ceilMinute(start), kept.first);
    const to = Math.min(floorMinute(end), floorMinute(until), kept.last + 1);
    if (to <= from) return undefined;
    // A gap (minutes the follower skipped, or expired meanwhile): count at Loki rather than answer too few.
    const counted = await this.recently(`in\u0000${logType}\u0000${from}\u0000${to}`, RECENT_MS, () =>
      this.store.keptMinutesIn(logType, from, to)
    );
    if (counted !== to - from) return undefined;
    return { from, to };
  }

  /** Answers shared by the calls of a page asked together, by question, each until its time is up. */
  private readonly recent = new Map<string, { readonly until: number; readonly answer: Promise<unknown> }>();

  /**
   * The answer to a question asked in the last `forMs` (a dozen calls of a page ask the same), else `ask()`'s; one
   * that fails is forgotten at once. Used for the store's answers about kept minutes ({@link RECENT_MS}: safe,
   * since minutes are only added after it, what is newer being counted at Loki, or expired at the far end of the
   * retention) and for Loki's live counts of a part ({@link SHARED_LIVE_MS}).
   */
  private recently<T>(key: string, forMs: number, ask: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const known = this.recent.get(key);
    if (known && known.until >= now) return known.answer as Promise<T>;
    for (const [k, v] of this.recent) if (v.until < now) this.recent.delete(k);
    const answer = ask();
    this.recent.set(key, { until: now + forMs, answer });
    answer.catch(() => this.recent.delete(key));
    return answer;
  }

  /**
   * Loki's counts of a part that is not kept. A field with few values is counted together with the log type's other
   * few-valued fields, one query per part for all of a page's dropdowns (undefined from that query: their
   * combinations were too many for Loki, so each is counted alone).
   */
  private async liveCounts(q: KeptFacetQuestion, part: FacetCountQuery): Promise<Map<string, number>> {
    const fields = fewValuedFields(q.logType);
    if (fields.length < 2 || !fields.includes(q.field)) return this.live.countAll(part);
    const key = JSON.stringify(['live', q.logType, q.logQuery, `${part.start}`, `${part.end}`]);
    const shared = await this.recently(key, SHARED_LIVE_MS, () =>
      this.live.countFields(part, fields).catch((error: unknown) => {
        if (error instanceof TooManyValuesError) return undefined;
        throw error;
      })
    );
    return shared?.get(q.field) ?? this.live.countAll(part);
  }

  /** Facets questions being answered, so a dropdown's suggestions and exact counts asked at once share one. */
  private readonly answering = new Map<string, Promise<FacetsResponse | undefined>>();

  /** The facets answer from kept counts and live edges; undefined when kept counts cannot answer. */
  facets(q: KeptFacetQuestion): Promise<FacetsResponse | undefined> {
    const key = JSON.stringify([
      q.logType,
      q.field,
      q.fieldKey,
      q.logQuery,
      `${q.range.start}`,
      `${q.range.end}`,
    ]);
    const running = this.answering.get(key);
    if (running) return running;
    const answer = this.answerFacets(q).finally(() => this.answering.delete(key));
    this.answering.set(key, answer);
    return answer;
  }

  private async answerFacets(q: KeptFacetQuestion): Promise<FacetsResponse | undefined> {
    const action = onlyAction(q.filters);
    if (action === false) return undefined;
    const kept = await this.keptPart(q.logType, q.range.start, q.range.end);
    if (!kept) return undefined;
    const keptAsked = this.store.valueCounts(
      q.logType,
      q.field,
      action,
      grainSpans(kept.from, kept.to),
      q.maxValues + 1
    );
    const mostFrequent = async () =>
      candidates(
        (await keptAsked).map((v) => v.value),
        q.field,
        q.candidates
      );
    const liveParts = [
      { start: q.range.start, end: BigInt(kept.from) * MINUTE_NS },
      { start: BigInt(kept.to) * MINUTE_NS, end: q.range.end },
    ].filter((p) => p.end > p.start);
    // A field of few values is counted live while the kept part is summed. A field of people or machines with more
    // kept values than Loki counts at once has more in its newest minutes too, on a trail busy enough to have them:
    // counting all would only be refused, so once the sum is known its live parts go to its most frequent values.
    const countPart = async (part: (typeof liveParts)[number]) => {
      const fq: FacetCountQuery = { logQuery: q.logQuery, field: q.field, ...part };
      if (manyValued(q.field) && (await keptAsked).length > q.maxSeries) {
        const only = await mostFrequent();
        return { counts: await this.live.countValues(fq, only), values: only };
      }
      try {
        return { counts: await this.liveCounts(q, fq), values: undefined };
      } catch (error) {
        if (!(error instanceof TooManyValuesError)) throw error;
        // More values in this part than Loki counts at once: count the most frequent kept values only.
        const values = await mostFrequent();
        return { counts: await this.live.countValues(fq, values), values };
      }
    };
    const [keptValues, liveCounts] = await Promise.all([keptAsked, Promise.all(liveParts.map(countPart))]);
    const truncated = keptValues.length > q.maxValues;
    const totals = new Map(keptValues.map((v) => [v.value, v.count]));
    let restricted: readonly string[] | undefined = truncated ? [...totals.keys()] : undefined;
    for (const live of liveCounts) if (live.values) restricted = live.values;
    for (const { counts } of liveCounts)
      for (const [value, n] of counts) {
        if (restricted && !totals.has(value)) continue;
        totals.set(value, (totals.get(value) ?? 0) + n);
      }
    const listed = restricted ? new Set(restricted) : undefined;
    const values = [...totals]
      .filter(([value, count]) => count > 0 && (!listed || listed.has(value)))
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    return {
      field: q.fieldKey,
      values: values.slice(0, q.maxValues),
      counts: 'exact',
      complete: !restricted && values.length <= q.maxValues,
    };
  }

  /**
   * The chart's series from kept counts: a point at t counts (t - step, t], i.e. the kept events of [t - step, t)
   * less those at exactly t - step plus those at exactly t. Points wholly outside what is kept come from Loki's
   * `query_range` (`livePoints`); a point partly kept adds Loki's count of its other part (an instant query).
   */
  async stats(q: KeptStatsQuestion): Promise<StatsResponse | undefined> {
    const action = onlyAction(q.filters);
    if (action === false || q.stepSeconds % 60 !== 0) return undefined;
    const step = BigInt(q.stepSeconds) * S;
    const first = q.range.start - (q.range.start % step);
    const last = q.range.end % step === 0n ? q.range.end : q.range.end + step - (q.range.end % step);
    const kept = await this.keptPart(q.logType, first - step, last + MINUTE_NS);
    if (!kept) return undefined;
    const cf = BigInt(kept.from) * MINUTE_NS;
    const ct = BigInt(kept.to) * MINUTE_NS;
    const field = q.by === 'action' ? ACTION_FIELD : OUTCOME_FIELD;
    // Points whose (t - step, t] is kept whole, with the minute at t (for its events at exactly t).
    let k0 = first;
    while (k0 - step < cf && k0 <= last) k0 += step;
    let k1 = last;
    while (k1 >= ct && k1 >= first) k1 -= step;
    const points = new Map<string, Map<bigint, number>>();
    const add = (value: string, t: bigint, n: number) => {
      if (n === 0) return;
      const name = value === '' ? '(none)' : value;
      if (!points.has(name)) points.set(name, new Map());
      const series = points.get(name)!;
      series.set(t, (series.get(t) ?? 0) + n);
    };
    // The kept points, the partly kept ones at either end and the points wholly outside are asked for at once: each
    // only adds to its own points.
    const reads: Array<Promise<void>> = [];
    if (k0 <= k1) {
      const grain: Grain =
        q.stepSeconds % 86_400 === 0
          ? 'd'
          : q.stepSeconds % 3600 === 0
            ? 'h'
            : q.stepSeconds % 600 === 0
              ? 't'
              : 'm';
      const stepMinutes = q.stepSeconds / 60;
      const k0m = Number(k0 / MINUTE_NS);
      const k1m = Number(k1 / MINUTE_NS);
      reads.push(
        this.store
          .periodCounts(q.logType, field, action, {
            grain,
            from: Number((k0 - step) / MINUTE_NS),
            to: k1m + 1,
          })
          .then((rows) => {
            for (const r of rows) {
              const t = r.period - (r.period % stepMinutes) + stepMinutes;
              if (t >= k0m && t <= k1m) add(r.value, BigInt(t) * MINUTE_NS, r.n);
              if (r.period % stepMinutes === 0) {
                if (t >= k0m && t <= k1m) add(r.value, BigInt(t) * MINUTE_NS, -r.atStart);
                if (r.period >= k0m && r.period <= k1m) add(r.value, BigInt(r.period) * MINUTE_NS, r.atStart);
              }
            }
          })
      );
    }
    // The points before and after: partly kept ones are summed from both, the others asked of Loki.
    const outside: Array<[bigint, bigint]> = [];
    const headEnd = k0 <= k1 ? k0 - step : last;
    const tailStart = k0 <= k1 ? k1 + step : last + step;
    if (headEnd >= first && headEnd < ct && headEnd > cf && headEnd - step < cf) {
      // (t - step, cf] from Loki, (cf, t] kept.
      reads.push(
        this.partPoint(
          q,
          field,
          action,
          headEnd,
          { keptFrom: cf, keptTo: headEnd, liveTime: cf, liveFrom: headEnd - step },
          add
        )
      );
      if (headEnd - step >= first) outside.push([first, headEnd - step]);
    } else if (headEnd >= first) outside.push([first, headEnd]);
    let liveFirst = tailStart;
    if (tailStart <= last && tailStart - step >= cf && tailStart - step < ct && tailStart >= ct) {
      // (t - step, m] kept, (m, t] from Loki, m the last kept minute.
      const m = ct - MINUTE_NS;
      reads.push(
        this.partPoint(
          q,
          field,
          action,
          tailStart,
          { keptFrom: tailStart - step, keptTo: m, liveTime: tailStart, liveFrom: m },
          add
        )
      );
      liveFirst = tailStart + step;
    }
    if (liveFirst <= last) outside.push([liveFirst, last]);
    for (const [a, b] of outside)
      reads.push(
        q.livePoints(a, b).then((series) => {
          for (const s of series) {
            const name = s.metric[field] ?? '';
            for (const [seconds, v] of s.values)
              add(name, BigInt(Math.round(seconds * 1000)) * 1_000_000n, v);
          }
        })
      );
    await Promise.all(reads);
    return {
      by: q.by,
      step: q.stepSeconds,
      series: [...points]
        .map(([name, series]) => ({
          name,
          points: [...series]
            .filter(([, v]) => v !== 0)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([t, v]) => [Number(t / 1_000_000n), v] as const),
        }))
        .filter((s) => s.points.length > 0),
    };
  }

  /**
   * A point at t made of the kept (keptFrom, keptTo] (the events of [keptFrom, keptTo) less those at exactly
   * keptFrom plus those at exactly keptTo, both kept minutes) and Loki's count of (liveFrom, liveTime], an
   * instant query whose range is whole milliseconds (Loki takes no nanosecond durations): the parts meet on a kept
   * minute, whose first nanosecond's events the store knows.
   */
  private async partPoint(
    q: KeptStatsQuestion,
    field: string,
    action: string | undefined,
    t: bigint,
    part: { keptFrom: bigint; keptTo: bigint; liveFrom: bigint; liveTime: bigint },
    add: (value: string, t: bigint, n: number) => void
  ): Promise<void> {
    const from = floorMinute(part.keptFrom);
    const to = floorMinute(part.keptTo);
    const minute = (m: number) =>
      this.store.periodCounts(q.logType, field, action, { grain: 'm', from: m, to: m + 1 });
    const [kept, atFrom, atTo, live] = await Promise.all([
      this.store.valueCounts(q.logType, field, action, grainSpans(from, to), 1_000_000, true),
      minute(from),
      minute(to),
      part.liveTime <= part.liveFrom
        ? Promise.resolve([])
        : this.loki.queryInstant({
            query: buildCountQuery(q.logQuery, field, (part.liveTime - part.liveFrom) / 1_000_000n),
            time: part.liveTime,
            lane: 'counts',
          }),
    ]);
    for (const v of kept) add(v.value, t, v.count);
    for (const r of atFrom) add(r.value, t, -r.atStart);
    for (const r of atTo) add(r.value, t, r.atStart);
    for (const s of live)
      add(
        s.metric[field] ?? '',
        t,
        s.values.reduce((n, [, v]) => n + v, 0)
      );
  }
}

/** The action filter when it is the only one (undefined: none); false when another filter is set. */
function onlyAction(filters: Readonly<Record<string, string>>): string | undefined | false {
  const keys = Object.keys(filters);
  if (keys.length === 0) return undefined;
  if (keys.length === 1 && keys[0] === 'action') return filters['action']!;
  return false;
}

/** The first values whose `| f="v" or ...` fits within the bounds, for an exact count of named values. */
function candidates(
  values: readonly string[],
  field: string,
  bounds: KeptFacetQuestion['candidates']
): string[] {
  const out: string[] = [];
  let chars = 0;
  for (const value of values) {
    chars += value.length + field.length + 8;
    if (out.length >= bounds.count || chars > bounds.chars) break;
    out.push(value);
  }
  return out;
}
