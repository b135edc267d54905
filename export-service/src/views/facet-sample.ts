import { buildFieldSampleQuery } from '@auditlens/loki';
import { windowsGrowingBackward } from '@auditlens/loki';
import type { LokiClient } from '@auditlens/loki';

/** Values of a field among the newest events of a range, most frequent first. */
export interface FieldSample {
  readonly values: ReadonlyArray<{ readonly value: string; readonly count: number }>;
  /** Events in the sample (with the field or without). */
  readonly sampled: number;
  /** Time of the oldest and the newest event sampled, ns; undefined when none was. */
  readonly span?: { readonly oldest: bigint; readonly newest: bigint };
}

/** What to sample. */
export interface FieldSampleQuery {
  /** The log query of the events (selector and filters). */
  readonly logQuery: string;
  /** The Loki name of the field. */
  readonly field: string;
  /** Inclusive, ns. */
  readonly start: bigint;
  /** Exclusive, ns. */
  readonly end: bigint;
  /** Events to sample: at most Loki's `max_entries_limit_per_query`. */
  readonly size: number;
  /** Loki's `max_query_length` in ns (0n: none). */
  readonly maxQueryLengthNs: bigint;
  readonly signal?: AbortSignal;
}

/**
 * The values of `field` among the newest `size` events of the range, with how often each occurs there: a backward
 * log query keeping only that field, over the newest hour of the range first and further back until the sample is
 * full (`windowsGrowingBackward`). Loki reads just the newest chunks for it, so it answers in a fraction of a second whatever the
 * range, where counting every event takes seconds. Asked in the `rows` lane: someone is waiting.
 *
 * Loki's own `GET /loki/api/v1/detected_field/<name>/values` samples the same way (the newest `line_limit` lines,
 * 100 by default) but runs the JSON and logfmt parsers over every line, answers no counts and no order; measured on
 * Loki 3.7.6 over 500,000 events it took 0.4 to 0.85 s for 5000 lines where this query took 0.06 to 0.25 s.
 */
export async function sampleFieldValues(loki: LokiClient, q: FieldSampleQuery): Promise<FieldSample> {
  const query = buildFieldSampleQuery(q.logQuery, q.field);
  const counts = new Map<string, number>();
  let sampled = 0;
  let span: FieldSample['span'];
  for (const w of windowsGrowingBackward(q.start, q.end, q.maxQueryLengthNs)) {
    const entries = await loki.queryLogs({
      query,
      start: w.start,
      end: w.end,
      limit: q.size - sampled,
      direction: 'backward',
      signal: q.signal,
      lane: 'rows',
    });
    sampled += entries.length;
    for (const e of entries) {
      span = {
        oldest: span && span.oldest < e.ts ? span.oldest : e.ts,
        newest: span && span.newest > e.ts ? span.newest : e.ts,
      };
      const value = e.metadata[q.field] ?? e.labels[q.field];
      if (value !== undefined && value !== '') counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    if (sampled >= q.size) break;
  }
  const values = [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  return { values, sampled, span };
}
