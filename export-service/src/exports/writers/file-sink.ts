import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** Opens the file an export is written to. Tests pass one that fails as a full disk does. */
export type OpenFile = (path: string) => Writable;

/** The default {@link OpenFile}: a plain `fs.WriteStream`. */
export const openExportFile: OpenFile = (path) => createWriteStream(path);

/**
 * A file being written, with its first error kept: every wait on it (drain, end) fails with that error
 * instead of hanging, and an error between waits is never left unhandled (an ENOSPC used to kill the process).
 */
export class FileSink {
  readonly stream: Writable;
  private failure: Error | undefined;
  private readonly failed: Promise<never>;

  constructor(path: string, open: OpenFile = openExportFile) {
    this.stream = open(path);
    this.failed = new Promise<never>((_resolve, reject) => {
      this.stream.on('error', (error: Error) => {
        this.failure ??= error;
        reject(this.failure);
      });
    });
    // Handled by whoever waits next; the listener above keeps the process alive meanwhile.
    this.failed.catch(() => undefined);
  }

  /** The stream's first error, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /** Bytes the file stream has written (0 for a stream that does not count them). */
  get bytesWritten(): number {
    const n = (this.stream as { bytesWritten?: unknown }).bytesWritten;
    return typeof n === 'number' ? n : 0;
  }

  /** Writes a chunk; throws the stream's error if it has failed. */
  write(chunk: string | Buffer): void {
    if (this.failure) throw this.failure;
    this.stream.write(chunk);
  }

  /** Resolves once the stream can take more; rejects with its error. */
  async drained(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.writableNeedDrain) await Promise.race([once(this.stream, 'drain'), this.failed]);
  }

  /** Waits for `promise`, or fails as soon as the stream does. */
  async orFailure<T>(promise: Promise<T>): Promise<T> {
    if (this.failure) throw this.failure;
    return Promise.race([promise, this.failed]);
  }

  /** Ends the file and waits until it is flushed and closed; rejects with the stream's error. */
  async end(): Promise<void> {
    if (this.failure) throw this.failure;
    const closed = once(this.stream, 'close');
    this.stream.end();
    await this.orFailure(closed);
  }

  /** Stops writing at once and releases the file (after a failure, or when the export is abandoned). */
  async destroy(): Promise<void> {
    if (this.stream.destroyed) return;
    const closed = once(this.stream, 'close').catch(() => undefined);
    this.stream.destroy();
    await closed;
  }
}
