import type { LokiEntry } from './types';

/**
 * Bytes of one Loki answer the pages aim at: half of Loki's default gRPC message limit (4 MiB,
 * `server.grpc_server_max_recv_msg_size`). In the single binary the querier hands each answer to the query
 * frontend over gRPC; an answer over the limit never arrives ("received message larger than max"), and the HTTP
 * request only ends when Loki gives up on it (measured on Loki 3.7.6: 5000 access events of about 840 bytes each,
 * 4.2 MB, never arrived; 2000 activity events with 2 KB of changes each did not either).
 */
export const DEFAULT_PAGE_BYTES = 2 * 1024 * 1024;

/** Entries the first page asks for, before any entry's size is known: 2 MiB of the largest events Loki keeps. */
const FIRST_LIMIT = 100;

/** Options of {@link PageSizer}. */
export interface PageSizerOptions {
  /** Most entries a page asks for: the server's `max_entries_limit_per_query`. The default value is 5000. */
  readonly maxEntries?: number;
  /** Bytes of entries a page aims at. The default value is {@link DEFAULT_PAGE_BYTES}. */
  readonly maxBytes?: number;
}

/**
 * Chooses how many entries the next page asks Loki for, so that each answer stays within a byte budget however
 * large the events are: a first small page, then as many entries as the budget holds at the size seen so far.
 * One sizer may be shared by readers of the same query.
 */
export class PageSizer {
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private bytesPerEntry: number | undefined;
  /** At most this many, after requests that got no answer. */
  private ceiling = Number.MAX_SAFE_INTEGER;

  constructor(options: PageSizerOptions = {}) {
    this.maxEntries = options.maxEntries ?? 5000;
    this.maxBytes = options.maxBytes ?? DEFAULT_PAGE_BYTES;
  }

  /** Entries the next page should ask for. */
  limit(): number {
    const fit =
      this.bytesPerEntry === undefined ? FIRST_LIMIT : Math.floor(this.maxBytes / this.bytesPerEntry);
    return Math.max(1, Math.min(this.maxEntries, this.ceiling, fit));
  }

  /** Learns from a page's entries: a larger size counts at once, a smaller one gradually. */
  observe(entries: readonly LokiEntry[]): void {
    if (entries.length === 0) return;
    let bytes = 0;
    for (const e of entries) bytes += entryBytes(e);
    const average = bytes / entries.length;
    const known = this.bytesPerEntry;
    this.bytesPerEntry = known === undefined || average > known ? average : known * 0.8 + average * 0.2;
  }

  /**
   * A request failed the way a too large answer fails (no answer in time): from now on ask for half as many.
   * It stays halved: going back up would meet the same failure, which costs Loki's whole timeout.
   */
  shrink(): void {
    this.ceiling = Math.max(1, Math.floor(this.limit() / 2));
  }
}

/** About the bytes an entry takes in Loki's answer: its line, and each field's name and value. */
export function entryBytes(e: LokiEntry): number {
  let n = 32 + e.line.length;
  for (const k in e.metadata) n += k.length + e.metadata[k]!.length + 8;
  return n;
}
