import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';
import { COLUMNS } from './columns';
import { FileSink, type OpenFile } from './file-sink';
import type { ExportFileWriter } from './row-writer';
import type { FromXlsxWorker, ToXlsxWorker, XlsxCellValue, XlsxSheetSpec } from './xlsx-worker';

/** Excel's limit of characters in a cell ("Excel specifications and limits"); longer text makes it repair the file. */
export const XLSX_MAX_CELL_CHARS = 32_767;
/** Ends a cell cut to {@link XLSX_MAX_CELL_CHARS}, so a reader sees that text is missing. */
export const XLSX_TRUNCATION_MARK = ' …[truncated]';

/** `text` cut to fit one Excel cell, with {@link XLSX_TRUNCATION_MARK} at its end when it was cut. */
export function fitCell(text: string): string {
  if (text.length <= XLSX_MAX_CELL_CHARS) return text;
  let cut = XLSX_MAX_CELL_CHARS - XLSX_TRUNCATION_MARK.length;
  // Never leave half of a surrogate pair (an emoji, say) before the mark.
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + XLSX_TRUNCATION_MARK;
}

// The worker is the file beside this one: compiled JavaScript, or TypeScript when the service runs from its
// sources (tests). TypeScript needs the parent's require hook (`-r test/support/ts-register.cjs`), handed over
// in execArgv explicitly because jest adds it after start (jest.config.js); compiled, the worker keeps the
// default, since a worker's execArgv refuses V8 flags such as the Dockerfile's --max-semi-space-size.
const WORKER_FILE = join(__dirname, `xlsx-worker${extname(__filename)}`);
const WORKER_EXEC_ARGV = extname(__filename) === '.ts' ? { execArgv: process.execArgv } : {};
// Pages handed to the worker and not yet in the sheet: one being rendered while the next is read from Loki.
const PAGES_AHEAD = 2;
// Workers kept for the next file, and for how long: each holds a heap of its own with exceljs loaded (an XLSX
// export measured 40 to 60 MB more peak RSS with its worker than without).
const MAX_IDLE_WORKERS = 2;
const IDLE_WORKER_MS = 60_000;

/**
 * Writes an XLSX whose sheet exceljs renders in a worker thread (`xlsx-worker.ts`: the cells, styles, header,
 * autofilter and limits are described there): this thread only reads each row's column values, hands pages
 * to the worker, and writes the bytes it sends back to the file, so the event loop stays free for the routes
 * while a large file is written. At most {@link PAGES_AHEAD} pages wait for the worker, and a page is taken
 * only when the file has room, so memory stays flat.
 *
 * The file is written here, through {@link FileSink}: every wait ends when the file or the worker fails.
 */
export function createXlsxWriter(
  path: string,
  logType: LogType,
  timeZone: string,
  open?: OpenFile
): ExportFileWriter {
  const values = COLUMNS[logType].map((c) => c.value);
  const file = new FileSink(path, open);
  const worker = new SheetWorker({ logType, timeZone }, (bytes) => {
    // After a file error the bytes have nowhere to go; the next wait reports the error.
    if (!file.error) file.stream.write(bytes);
  });
  // A failed file stops the worker, and every wait on it fails with the file's error.
  file.stream.on('error', (error: Error) => void worker.stop(error));
  return {
    async write(entries: readonly LokiEntry[]) {
      // Checked first: a failed file has stopped the worker, whose waits would fail unheard meanwhile.
      if (file.error) throw file.error;
      const times = new Float64Array(entries.length);
      const cells = new Array<XlsxCellValue>(entries.length * values.length);
      for (let r = 0, c = 0; r < entries.length; r++) {
        const e = entries[r]!;
        times[r] = Number(e.ts / 1_000_000n);
        for (let i = 0; i < values.length; i++) cells[c++] = values[i]!(e);
      }
      await file.orFailure(worker.send({ kind: 'rows', times, cells }, [times.buffer]));
      await file.drained();
    },
    async finish() {
      if (file.error) throw file.error;
      await file.orFailure(worker.finish());
      await file.end();
      return (await stat(path)).size;
    },
    bytesWritten: () => file.bytesWritten,
    async abort() {
      await worker.stop();
      await file.destroy();
    },
  };
}

/** A worker that finished a file cleanly, waiting for the next one. */
interface IdleWorker {
  readonly worker: Worker;
  /** Ends the worker after {@link IDLE_WORKER_MS}. */
  readonly timer: NodeJS.Timeout;
  /** Takes it out of the pool when it ends, however it ends. */
  readonly forget: () => void;
}

const idleWorkers: IdleWorker[] = [];

function takeWorker(): Worker {
  const kept = idleWorkers.pop();
  if (!kept) return new Worker(WORKER_FILE, WORKER_EXEC_ARGV);
  clearTimeout(kept.timer);
  kept.worker.off('exit', kept.forget);
  kept.worker.ref();
  return kept.worker;
}

function keepWorker(worker: Worker): void {
  if (idleWorkers.length >= MAX_IDLE_WORKERS) {
    void worker.terminate();
    return;
  }
  // An idle worker does not keep the process alive.
  worker.unref();
  const kept: IdleWorker = {
    worker,
    timer: setTimeout(() => void worker.terminate(), IDLE_WORKER_MS).unref(),
    forget: () => {
      const at = idleWorkers.indexOf(kept);
      if (at >= 0) idleWorkers.splice(at, 1);
      clearTimeout(kept.timer);
    },
  };
  worker.once('exit', kept.forget);
  idleWorkers.push(kept);
}

/** A worker writing one file, with its pages in flight counted and its first failure kept. */
class SheetWorker {
  private readonly worker = takeWorker();
  private pending = 0;
  private done = false;
  private stopped = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onMessage = (message: FromXlsxWorker) => {
    switch (message.kind) {
      case 'chunk':
        this.onBytes(message.bytes);
        return;
      case 'written':
        this.pending -= 1;
        break;
      case 'finished':
        this.done = true;
        break;
      case 'failed':
        this.failure ??= new Error(`the XLSX file could not be written: ${message.message}`);
        break;
    }
    this.wakeUp();
  };
  private readonly onError = (error: Error) => {
    this.failure ??= error;
    this.wakeUp();
  };
  private readonly onExit = (code: number) => {
    if (!this.stopped) this.failure ??= new Error(`the XLSX worker stopped (exit code ${code})`);
    this.wakeUp();
  };

  constructor(
    sheet: XlsxSheetSpec,
    private readonly onBytes: (bytes: Uint8Array) => void
  ) {
    this.worker.on('message', this.onMessage);
    this.worker.on('error', this.onError);
    this.worker.on('exit', this.onExit);
    this.worker.postMessage({ kind: 'start', sheet } satisfies ToXlsxWorker);
  }

  /** Hands a page to the worker; resolves when fewer than {@link PAGES_AHEAD} pages wait for it. */
  async send(message: ToXlsxWorker, transfer: ArrayBuffer[]): Promise<void> {
    this.throwIfFailed();
    this.worker.postMessage(message, transfer);
    this.pending += 1;
    while (this.pending >= PAGES_AHEAD) await this.next();
  }

  /** Asks for the rest of the file; resolves when the worker has sent its last bytes, and keeps the worker. */
  async finish(): Promise<void> {
    this.throwIfFailed();
    this.worker.postMessage({ kind: 'finish' } satisfies ToXlsxWorker);
    while (!this.done) await this.next();
    this.release();
    keepWorker(this.worker);
  }

  /**
   * Stops the worker at once (a file abandoned mid-sheet leaves it unusable); what waits on it fails with
   * `reason`. Never rejects.
   */
  async stop(reason: Error = new Error('the XLSX file was abandoned')): Promise<void> {
    if (this.stopped) return;
    this.failure ??= reason;
    this.release();
    await this.worker.terminate();
  }

  private release(): void {
    this.stopped = true;
    this.worker.off('message', this.onMessage);
    this.worker.off('error', this.onError);
    this.worker.off('exit', this.onExit);
    this.wakeUp();
  }

  private async next(): Promise<void> {
    await new Promise<void>((resolve) => (this.wake = resolve));
    this.throwIfFailed();
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
