import {
  ATTR,
  FILTER_FIELDS,
  lokiFieldName,
  type AuditRow,
  type FacetsResponse,
  type LogType,
  type StatsResponse,
  type StatsSplit,
} from '@auditlens/contract';
import { BadRequestError } from '../errors';
import { buildCountQuery, buildLogQuery, type QueryOptions } from '../loki/logql';
import { entryIdentity } from '../loki/pager';
import { DEFAULT_MAX_QUERY_LENGTH_NS } from '../loki/query-limits';
import { windowsBackward } from '../loki/time-windows';
import type { LokiClient, LokiEntry } from '../loki/types';
import { queryMetricsInWindows, totalsInWindows } from '../loki/windowed-metrics';
import type { NsRange } from '../schemas/time-range';
import { decodeCursor, encodeCursor } from './cursor';
import { asUserQuery } from './loki-rejection';
import { toAuditRow } from './rows';
import { chooseStatsStep } from './stats-step';

/** Options of {@link LogReader}. */
export interface LogReaderOptions extends QueryOptions {
  /** Loki's `max_entries_limit_per_query`: the most entries one request may ask for. */
  readonly maxEntries: number;
  /** Loki's `max_query_length` in ns (0n: none); longer ranges are read in windows. The default value is 721h. */
  readonly maxQueryLengthNs?: bigint;
}

/**
 * Reads audit rows, facets and counts of one log type from Loki for the plugin's pages. Ranges longer than Loki's
 * `max_query_length` are read in windows; a query Loki rejects (4xx) is a 400 with Loki's reason.
 */
export class LogReader {
  private readonly maxQueryLengthNs: bigint;

  constructor(
    private readonly loki: LokiClient,
    private readonly options: LogReaderOptions
  ) {
    this.maxQueryLengthNs = options.maxQueryLengthNs ?? DEFAULT_MAX_QUERY_LENGTH_NS;
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
    const windows = windowsBackward(range.start, end, this.maxQueryLengthNs);
    let more = false;
    for (const [i, w] of windows.entries()) {
      const want = Math.min(this.options.maxEntries, limit - fresh.length + seen.size);
      const entries = await asUserQuery(() =>
        this.loki.queryLogs({ query, start: w.start, end: w.end, limit: want, direction: 'backward' })
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

  /** Distinct values of a filter field with their counts over exactly the range, most frequent first. */
  async facets(
    logType: LogType,
    range: NsRange,
    fieldKey: string,
    filters: Readonly<Record<string, string>>
  ): Promise<FacetsResponse> {
    const field = FILTER_FIELDS[logType].find((f) => f.key === fieldKey);
    if (!field) {
      throw new BadRequestError('invalid field', [
        { field: 'field', message: `must be one of ${FILTER_FIELDS[logType].map((f) => f.key).join(', ')}` },
      ]);
    }
    const others = Object.fromEntries(Object.entries(filters).filter(([k]) => k !== fieldKey));
    const logQuery = buildLogQuery(logType, others, this.options);
    const totals = await asUserQuery(() =>
      totalsInWindows(this.loki, {
        query: (rangeMs) => buildCountQuery(logQuery, field.lokiField, rangeMs),
        start: range.start,
        end: range.end,
        maxQueryLengthNs: this.maxQueryLengthNs,
      })
    );
    const values = totals
      .map((t) => ({ value: t.metric[field.lokiField] ?? '', count: t.total }))
      .filter((v) => v.value !== '')
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    return { field: fieldKey, values };
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
    const series = await asUserQuery(() =>
      queryMetricsInWindows(this.loki, {
        query,
        start: range.start,
        end: range.end,
        stepSeconds,
        maxQueryLengthNs: this.maxQueryLengthNs,
      })
    );
    return {
      by,
      step: stepSeconds,
      series: series.map((s) => ({
        name: s.metric[field] ?? '(none)',
        points: s.values.map(([t, v]) => [Math.round(t * 1000), v] as const),
      })),
    };
  }
}
