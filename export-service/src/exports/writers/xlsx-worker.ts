// The XLSX sheet, written in a worker thread (node:worker_threads): exceljs renders every row into XML and
// hands it to its zip stage on the thread that calls it, about 10 µs of CPU a row. On the event loop that
// also serves the routes, a large export kept it busy for minutes; here it only receives cell values and
// sends back the file's bytes. `xlsx-writer.ts` starts this file, writes what it sends to the file, and keeps
// it for the next file (loading exceljs alone took 2.5 s on this 2-core machine at load average 16).
import { isMainThread, parentPort, threadId, type MessagePort } from 'node:worker_threads';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { LOG_TYPE_TITLES, type LogType } from '@auditlens/contract';
import { COLUMNS, timeHeaders } from './columns';
import { zoneClock, type ZoneClock } from './zone-clock';
import { neutraliseFormula } from './formula-neutraliser';
import { fitCell } from './xlsx-writer';

/** Which sheet a file holds. */
export interface XlsxSheetSpec {
  readonly logType: LogType;
  readonly timeZone: string;
}

/** A cell value as the log type's column gives it. */
export type XlsxCellValue = string | number | undefined;

/** Messages to the worker, for one file after another. */
export type ToXlsxWorker =
  /** A new file: its sheet starts. */
  | { readonly kind: 'start'; readonly sheet: XlsxSheetSpec }
  /** A page of rows: each row's time (ms since the epoch), then its column values, row after row. */
  | { readonly kind: 'rows'; readonly times: Float64Array; readonly cells: readonly XlsxCellValue[] }
  /** No more rows: finish the file. */
  | { readonly kind: 'finish' };

/** Messages from the worker. */
export type FromXlsxWorker =
  /** The next bytes of the file. */
  | { readonly kind: 'chunk'; readonly bytes: Uint8Array }
  /** A page is in the sheet and its bytes have been sent (by the thread `threadId`). */
  | { readonly kind: 'written'; readonly rows: number; readonly threadId: number }
  /** Every byte of the file has been sent. */
  | { readonly kind: 'finished' }
  /** The sheet could not be written. */
  | { readonly kind: 'failed'; readonly message: string };

const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss.000';

// exceljs gives every cell a style object of its own and turns each into XML to find its style id, unless
// it has seen that very object before; cells sharing one object per kind skip that work. One object per
// value type, since the id also depends on the cell's type when the style has no number format.
const DATE_STYLE: Partial<ExcelJS.Style> = { numFmt: DATE_FORMAT };
const TEXT_STYLE: Partial<ExcelJS.Style> = {};
const NUMBER_STYLE: Partial<ExcelJS.Style> = {};
const EMPTY_STYLE: Partial<ExcelJS.Style> = {};
// Rows have a style object of their own too, looked up the same way.
const ROW_STYLE: Partial<ExcelJS.Style> = {};
// exceljs deflates on libuv's thread pool, but each chunk is handed to it on the thread that renders: rows
// rendered in one long synchronous run leave the zip idle, and then the zip leaves rendering idle while it
// catches up. Letting the loop turn every few dozen rows keeps both busy (about 15% faster in the benchmark),
// and larger zlib chunks mean fewer hand-overs.
const ROWS_PER_TURN = 32;
const ZLIB_CHUNK_BYTES = 64 * 1024;

/** The parts of exceljs's WorkbookWriter used here that its typings leave out. */
interface WorkbookInternals {
  readonly zip?: { on(event: 'error', listener: (error: Error) => void): unknown };
}

/**
 * An XLSX sheet written with exceljs' streaming writer into `stream`: real date cells in the requester's time
 * zone and in UTC, a bold frozen header row with an autofilter, and column widths per field. Rows are
 * committed as they are added, so memory stays flat. Text longer than a cell holds is cut with a mark
 * ({@link fitCell}); text that would start a formula once edited or saved as CSV gets a leading `'`
 * ({@link neutraliseFormula}).
 */
export class XlsxSheet {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;
  private readonly columnCount: number;
  private readonly clock: ZoneClock;
  private failure: Error | undefined;

  constructor(stream: Writable, logType: LogType, timeZone: string) {
    const columns = COLUMNS[logType];
    this.columnCount = columns.length;
    this.clock = zoneClock(timeZone);
    // Fast deflate keeps the zip stage ahead of row production.
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream,
      useStyles: true,
      useSharedStrings: false,
      zip: { zlib: { level: 1, chunkSize: ZLIB_CHUNK_BYTES } },
    });
    // archiver reports its own failures (zlib, a stream it reads) as 'error'; they fail the sheet.
    (this.workbook as unknown as WorkbookInternals).zip?.on('error', (error) => (this.failure ??= error));
    const sheet = this.workbook.addWorksheet(LOG_TYPE_TITLES[logType], {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = [
      ...timeHeaders(timeZone).map((header) => ({ header, width: 24 })),
      ...columns.map((c) => ({ header: c.header, width: c.width })),
    ];
    sheet.getRow(1).font = { bold: true };
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length + 2 } };
    sheet.getRow(1).commit();
    this.sheet = sheet;
  }

  /** Adds a page of rows (`times` and `cells` as in a `rows` message); resolves when the zip has taken them. */
  async addRows(times: Float64Array, values: readonly XlsxCellValue[]): Promise<void> {
    const width = this.columnCount;
    const cells = new Array<Date | string | number | null | undefined>(width + 2);
    for (let r = 0; r < times.length; r++) {
      if (r > 0 && r % ROWS_PER_TURN === 0) {
        await nextTurn();
        this.throwIfFailed();
      }
      const ms = times[r]!;
      cells[0] = new Date(this.clock.wallClockMs(ms));
      cells[1] = new Date(ms);
      // A missing value makes no cell (an empty cell writes nothing), except in the last column, whose
      // empty cell still counts for the row's span.
      for (let i = 0; i < width; i++) {
        const v = values[r * width + i];
        cells[i + 2] = typeof v === 'string' ? fitCell(neutraliseFormula(v)) : v;
      }
      cells[cells.length - 1] ??= null;
      const row = this.sheet.addRow(cells);
      (row as unknown as { style: Partial<ExcelJS.Style> }).style = ROW_STYLE; // not in exceljs's types
      row.getCell(1).style = DATE_STYLE;
      row.getCell(2).style = DATE_STYLE;
      for (let i = 2; i < cells.length; i++) {
        const v = cells[i];
        if (v !== undefined)
          row.getCell(i + 1).style =
            typeof v === 'string' ? TEXT_STYLE : typeof v === 'number' ? NUMBER_STYLE : EMPTY_STYLE;
      }
      row.commit();
    }
    await zipCaughtUp(this.sheet);
    this.throwIfFailed();
  }

  /** Writes the rest of the file; resolves when exceljs has ended `stream`. */
  async finish(): Promise<void> {
    this.throwIfFailed();
    this.sheet.commit();
    await this.workbook.commit();
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The piece of exceljs's streaming worksheet that backpressure needs (not part of its typed API). */
interface SheetStreamInternals {
  _stream?: {
    pipes?: Array<{
      // exceljs pipes into a readable-stream PassThrough, which keeps its state in _writableState.
      _writableState?: { needDrain?: boolean };
      writableNeedDrain?: boolean;
      once(event: 'drain', listener: () => void): unknown;
    }>;
  };
}

/**
 * Waits until the zip stage has taken what the sheet wrote. exceljs writes rows into the zip's input without
 * waiting, so without this the whole sheet's XML piles up in memory while compression falls behind.
 */
async function zipCaughtUp(sheet: object): Promise<void> {
  const input = (sheet as SheetStreamInternals)._stream?.pipes?.[0];
  if (input && (input.writableNeedDrain ?? input._writableState?.needDrain)) {
    await new Promise<void>((resolve) => input.once('drain', () => resolve()));
  } else await nextTurn();
}

/**
 * Serves files one after another: `start`, its rows and `finish` from `port` in order, each file's bytes back as
 * they come. After a failure it says so and stops (its sheet would be half written).
 */
function serve(port: MessagePort): void {
  const send = (message: FromXlsxWorker, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);
  let sheet: XlsxSheet | undefined;
  const sheetOf = (): XlsxSheet => {
    if (!sheet) throw new Error('no file was started');
    return sheet;
  };
  // Messages are handled one at a time, in order: the next waits for the one before.
  let work = Promise.resolve();
  port.on('message', (message: ToXlsxWorker) => {
    work = work
      .then(async () => {
        if (message.kind === 'start') {
          const bytes = new Writable({
            write(chunk: Buffer, _encoding, done) {
              // A copy of exactly this chunk (it may be a view of a larger buffer), moved rather than copied again.
              const copy = new Uint8Array(chunk);
              send({ kind: 'chunk', bytes: copy }, [copy.buffer]);
              done();
            },
          });
          sheet = new XlsxSheet(bytes, message.sheet.logType, message.sheet.timeZone);
        } else if (message.kind === 'rows') {
          await sheetOf().addRows(message.times, message.cells);
          send({ kind: 'written', rows: message.times.length, threadId });
        } else {
          await sheetOf().finish();
          sheet = undefined;
          send({ kind: 'finished' });
        }
      })
      .catch((error: unknown) => {
        send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
        port.close();
      });
  });
}

if (!isMainThread && parentPort) serve(parentPort);
