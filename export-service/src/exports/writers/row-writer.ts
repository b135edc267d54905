import type { LokiEntry } from '@auditlens/loki';

/** Streams export rows to a file. */
export interface RowWriter {
  /** Writes a page of rows; resolves when the writer can take more (backpressure); rejects on a file error. */
  write(entries: readonly LokiEntry[]): Promise<void>;
  /** Finishes the file; resolves with its size in bytes; rejects on a file error (a full disk) instead of hanging. */
  finish(): Promise<number>;
}

/** A RowWriter of an export file, which the runner can measure and abandon. */
export interface ExportFileWriter extends RowWriter {
  /** Bytes written to the file so far. */
  bytesWritten(): number;
  /** Stops at once and releases the file, after a failure or when the export is abandoned; never rejects. */
  abort(): Promise<void>;
}
