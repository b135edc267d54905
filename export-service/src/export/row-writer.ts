import type { LokiEntry } from '../loki/types';

/** Streams export rows to a file. */
export interface RowWriter {
  /** Writes a page of rows; resolves when the writer can take more (backpressure). */
  write(entries: readonly LokiEntry[]): Promise<void>;
  /** Finishes the file; resolves with its size in bytes. */
  finish(): Promise<number>;
}
