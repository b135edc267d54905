import { ATTR, lokiFieldName } from '@auditlens/contract';
import { UpstreamError } from './errors';
import { quoteLogQL } from './logql';
import { PageSizer } from './page-sizer';
import type { LokiClient, LokiEntry } from './types';

/** Where a read stopped: the last timestamp delivered and the entries at it already delivered. */
export interface PagerCheckpoint {
  /** ns since the epoch, decimal. */
  readonly ts: string;
  readonly seen: readonly string[];
}

/** Retry policy for retryable Loki failures. */
export interface RetryPolicy {
  /** Attempts per request, the first included. The default value is 6. */
  readonly attempts?: number;
  /** First backoff in ms; doubled each retry, with jitter. The default value is 500. */
  readonly baseDelayMs?: number;
  /** Largest backoff in ms. The default value is 30000. */
  readonly maxDelayMs?: number;
}

/** What to read. */
export interface PagerOptions {
  readonly query: string;
  /** Inclusive, ns. */
  readonly start: bigint;
  /** Exclusive, ns. */
  readonly end: bigint;
  /** Most entries per request: at most the server's `max_entries_limit_per_query`. The default value is 5000. */
  readonly pageSize?: number;
  /**
   * Chooses each request's limit within `pageSize` so that Loki's answers stay within a byte budget (see
   * `page-sizer.ts`); readers of one query may share one. Default: a sizer of its own.
   */
  readonly sizer?: PageSizer;
  readonly retry?: RetryPolicy;
  /** Resume after this point instead of `start`. */
  readonly checkpoint?: PagerCheckpoint;
  readonly signal?: AbortSignal;
  /** Fetch the next page while the caller handles this one. The default value is true. */
  readonly prefetch?: boolean;
}

/** A page of entries, oldest first, and the checkpoint after it. */
export interface Page {
  readonly entries: readonly LokiEntry[];
  readonly checkpoint: PagerCheckpoint;
}

/** A request's answer and whether it was full (as many entries as asked for: there may be more). */
interface Fetched {
  readonly entries: LokiEntry[];
  readonly full: boolean;
}

const EVENT_ID = lokiFieldName(ATTR.eventId);
const HEX = '0123456789abcdef';

/** Identity of an entry: its event id, or everything about it for producers that send none. */
export function entryIdentity(e: LokiEntry): string {
  return (
    e.metadata[EVENT_ID] ??
    `${e.ts}\u0000${e.line}\u0000${JSON.stringify(e.labels)}\u0000${JSON.stringify(e.metadata)}`
  );
}

/**
 * Reads every entry matching `query` in [start, end) exactly once, oldest first.
 *
 * Loki has no offset: each page is a forward `query_range` from the last timestamp seen (start is inclusive),
 * and the entries at that timestamp already delivered are skipped. When more entries share one nanosecond
 * than a page holds, paging cannot move past it, so that nanosecond is read in partitions by the last hex
 * digits of `audit_event_id`, each partition split further while it still fills a page. Each request asks for
 * as many entries as fit the sizer's byte budget.
 */
export async function* readAllEntries(client: LokiClient, options: PagerOptions): AsyncGenerator<Page> {
  const pageSize = options.pageSize ?? 5000;
  const sizer = options.sizer ?? new PageSizer({ maxEntries: pageSize });
  let cursor = options.checkpoint ? BigInt(options.checkpoint.ts) : options.start;
  let seen = new Set(options.checkpoint?.seen ?? []);
  // A page from `cursor` repeats the entries already delivered at it, so it asks for more than those.
  const fetchPage = async (query: string, start: bigint, end: bigint, atLeast = 1): Promise<Fetched> => {
    let limit = 0;
    const entries = await withRetry(
      options.retry,
      options.signal,
      () => {
        limit = Math.min(pageSize, Math.max(sizer.limit(), atLeast));
        return client.queryLogs({ query, start, end, limit, direction: 'forward', signal: options.signal });
      },
      () => sizer.shrink()
    );
    sizer.observe(entries);
    return { entries, full: entries.length >= limit };
  };

  // The next page starts where this one ends, so it is fetched while the caller handles this one.
  let pending: Promise<Fetched> | undefined;
  for (;;) {
    const page = await (pending ?? fetchPage(options.query, cursor, options.end, seen.size + 1));
    pending = undefined;
    const fresh = page.entries.filter((e) => !(e.ts === cursor && seen.has(entryIdentity(e))));
    if (fresh.length === 0) {
      if (!page.full) return;
      // A full page of entries already delivered, all at `cursor`: read the rest of that nanosecond by partition.
      const rest: LokiEntry[] = [];
      await readNanosecond(fetchPage, options.query, cursor, seen, '', rest);
      for (const e of rest) seen.add(entryIdentity(e));
      if (rest.length > 0) yield { entries: rest, checkpoint: { ts: String(cursor), seen: [...seen] } };
      cursor += 1n;
      seen = new Set();
      continue;
    }
    const lastTs = fresh[fresh.length - 1]!.ts;
    if (lastTs !== cursor) seen = new Set();
    for (const e of fresh) if (e.ts === lastTs) seen.add(entryIdentity(e));
    cursor = lastTs;
    if (page.full && options.prefetch !== false) {
      pending = fetchPage(options.query, cursor, options.end, seen.size + 1);
      // Handled when awaited; this keeps an early failure from being reported as unhandled meanwhile.
      pending.catch(() => undefined);
    }
    yield { entries: fresh, checkpoint: { ts: String(cursor), seen: [...seen] } };
    if (!page.full) return;
  }
}

async function readNanosecond(
  fetchPage: (query: string, start: bigint, end: bigint) => Promise<Fetched>,
  query: string,
  ts: bigint,
  seen: ReadonlySet<string>,
  suffix: string,
  out: LokiEntry[]
): Promise<void> {
  for (const digit of HEX) {
    const part = digit + suffix;
    // `$` anchors the suffix: Loki 3.7 matches `.*<literal>` in a label filter as a substring (grafana/loki#23892).
    const page = await fetchPage(`${query} | ${EVENT_ID}=~${quoteLogQL(`.*${part}$`)}`, ts, ts + 1n);
    if (page.full) {
      if (part.length >= 8)
        throw new UpstreamError(
          'loki',
          `more than ${page.entries.length} events share one nanosecond and event-id suffix`,
          false
        );
      await readNanosecond(fetchPage, query, ts, seen, part, out);
    } else {
      for (const e of page.entries) if (!seen.has(entryIdentity(e))) out.push(e);
    }
  }
}

/** Runs `fn`, retrying retryable UpstreamErrors with exponential backoff and jitter; `onRetry` hears of each. */
export async function withRetry<T>(
  policy: RetryPolicy | undefined,
  signal: AbortSignal | undefined,
  fn: () => Promise<T>,
  onRetry?: (error: UpstreamError) => void
): Promise<T> {
  const attempts = policy?.attempts ?? 6;
  const base = policy?.baseDelayMs ?? 500;
  const max = policy?.maxDelayMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const retryable = error instanceof UpstreamError && error.retryable;
      if (!retryable || attempt >= attempts || signal?.aborted) throw error;
      onRetry?.(error);
      const delay = Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
