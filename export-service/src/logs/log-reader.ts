import {
  FILTER_FIELDS,
  type AuditRow,
  type FacetsResponse,
  type LogType,
  type StatsResponse,
  type StatsSplit,
} from '@auditlens/contract';
import { BadRequestError } from '../errors';
import { buildCountQuery, buildLogQuery, type QueryOptions } from '../loki/logql';
import { entryIdentity } from '../loki/pager';
import type { LokiClient } from '../loki/types';
import type { NsRange } from '../schemas/time-range';
import { decodeCursor, encodeCursor } from './cursor';
import { toAuditRow } from './rows';

/** Reads audit rows, facets and counts of one log type from Loki for the plugin's pages. */
export class LogReader {
  constructor(
    private readonly loki: LokiClient,
    private readonly options: QueryOptions & { readonly maxEntries: number }
  ) {}

  /** A page of rows, newest first, after `cursor`. */
  async list(
    logType: LogType,
    range: NsRange,
    filters: Readonly<Record<string, unknown>>,
    limit: number,
    cursor?: string
  ): Promise<{ rows: AuditRow[]; nextCursor: string | null }> {
    const query = buildLogQuery(logType, filters, this.options);
    const after = cursor ? decodeCursor(cursor) : undefined;
    const seen = new Set(after?.seen ?? []);
    // The page ends just after the cursor's timestamp (end is exclusive), and skips what was shown at it.
    const end = after ? (after.ts + 1n < range.end ? after.ts + 1n : range.end) : range.end;
    const want = Math.min(this.options.maxEntries, limit + seen.size);
    const entries = await this.loki.queryLogs({
      query,
      start: range.start,
      end,
      limit: want,
      direction: 'backward',
    });
    const fresh = entries
      .filter((e) => !(after && e.ts === after.ts && seen.has(entryIdentity(e))))
      .slice(0, limit);
    const rows = fresh.map((e) => toAuditRow(e, logType));
    const more = entries.length >= want && fresh.length > 0;
    if (!more) return { rows, nextCursor: null };
    const last = fresh[fresh.length - 1]!.ts;
    const atLast = fresh.filter((e) => e.ts === last).map(entryIdentity);
    const carried = after && after.ts === last ? [...after.seen, ...atLast] : atLast;
    return { rows, nextCursor: encodeCursor({ ts: last, seen: carried }) };
  }

  /** Distinct values of a filter field with their counts over the range, most frequent first. */
  async facets(
    logType: LogType,
    range: NsRange,
    fieldKey: string,
    filters: Readonly<Record<string, unknown>>
  ): Promise<FacetsResponse> {
    const field = FILTER_FIELDS[logType].find((f) => f.key === fieldKey);
    if (!field) {
      throw new BadRequestError('invalid field', [
        { field: 'field', message: `must be one of ${FILTER_FIELDS[logType].map((f) => f.key).join(', ')}` },
      ]);
    }
    const others = Object.fromEntries(Object.entries(filters).filter(([k]) => k !== fieldKey));
    const spanSeconds = Math.max(1, Math.ceil(Number((range.end - range.start) / 1_000_000_000n)));
    const query = buildCountQuery(buildLogQuery(logType, others, this.options), field.lokiField, spanSeconds);
    // One step covering the whole range gives one point per value: its total.
    const series = await this.loki.queryMetrics({
      query,
      start: range.end,
      end: range.end,
      step: spanSeconds,
    });
    const values = series
      .map((s) => ({
        value: s.metric[field.lokiField] ?? '',
        count: s.values.reduce((n, [, v]) => n + v, 0),
      }))
      .filter((v) => v.value !== '')
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    return { field: fieldKey, values };
  }

  /** Event counts per step, split by action or outcome. */
  async stats(
    logType: LogType,
    range: NsRange,
    by: StatsSplit,
    filters: Readonly<Record<string, unknown>>,
    step?: number
  ): Promise<StatsResponse> {
    const spanSeconds = Number((range.end - range.start) / 1_000_000_000n);
    const stepSeconds = step ?? Math.max(60, Math.ceil(spanSeconds / 120));
    const field = by === 'action' ? 'audit_action' : 'audit_outcome';
    const query = buildCountQuery(buildLogQuery(logType, filters, this.options), field, stepSeconds);
    const series = await this.loki.queryMetrics({
      query,
      start: range.start,
      end: range.end,
      step: stepSeconds,
    });
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
