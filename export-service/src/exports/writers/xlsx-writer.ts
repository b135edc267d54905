import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { LOG_TYPE_TITLES, type LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';
import { COLUMNS, timeHeaders } from './columns';
import { neutraliseFormula } from './formula-neutraliser';
import { zoneClock } from './zone-clock';
import { FileSink, type OpenFile } from './file-sink';
import type { ExportFileWriter } from './row-writer';

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
// exceljs deflates on libuv's thread pool, but each chunk is handed to it on the main thread: rows rendered in
// one long synchronous run leave the zip idle, and then the zip leaves rendering idle while it catches up.
// Letting the event loop turn every few dozen rows keeps both busy (about 15% faster in the benchmark), and
// larger zlib chunks mean fewer hand-overs.
const ROWS_PER_TURN = 32;
const ZLIB_CHUNK_BYTES = 64 * 1024;

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

/** The parts of exceljs's WorkbookWriter used here that its typings leave out. */
interface WorkbookInternals {
  readonly zip?: { on(event: 'error', listener: (error: Error) => void): unknown; abort?(): unknown };
}

/**
 * Writes an XLSX with exceljs' streaming writer: real date cells in the requester's time zone and in UTC,
 * a bold frozen header row with an autofilter, and column widths per field. Rows are committed as they
 * are written, so memory stays flat. Text longer than a cell holds is cut with a mark ({@link fitCell}). Text
 * cells are never run as formulas when the file opens, but would be once edited (F2, Enter) or saved as CSV:
 * text that starts a formula gets a leading `'`, as in CSV ({@link neutraliseFormula}).
 *
 * exceljs writes to a stream of ours: with its own file stream, a full disk left `commit()` waiting forever.
 * Every wait here ends when the file fails.
 */
export function createXlsxWriter(
  path: string,
  logType: LogType,
  timeZone: string,
  open?: OpenFile
): ExportFileWriter {
  const columns = COLUMNS[logType];
  const values = columns.map((c) => c.value);
  const clock = zoneClock(timeZone);
  const file = new FileSink(path, open);
  // Fast deflate keeps the zip stage ahead of row production.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: file.stream,
    useStyles: true,
    useSharedStrings: false,
    zip: { zlib: { level: 1, chunkSize: ZLIB_CHUNK_BYTES } },
  });
  const zip = (workbook as unknown as WorkbookInternals).zip;
  // archiver reports its own failures (zlib, a stream it reads) as 'error'; they fail the file.
  zip?.on('error', (error) => file.stream.destroy(error));
  const sheet = workbook.addWorksheet(LOG_TYPE_TITLES[logType], { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    ...timeHeaders(timeZone).map((header) => ({ header, width: 24 })),
    ...columns.map((c) => ({ header: c.header, width: c.width })),
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length + 2 } };
  sheet.getRow(1).commit();
  return {
    async write(entries: readonly LokiEntry[]) {
      const cells = new Array<Date | string | number | null | undefined>(values.length + 2);
      for (let r = 0; r < entries.length; r++) {
        if (r > 0 && r % ROWS_PER_TURN === 0) {
          await nextTurn();
          if (file.error) throw file.error;
        }
        const e = entries[r]!;
        const ms = Number(e.ts / 1_000_000n);
        cells[0] = new Date(clock.wallClockMs(ms));
        cells[1] = new Date(ms);
        // A missing value makes no cell (an empty cell writes nothing), except in the last column, whose
        // empty cell still counts for the row's span.
        for (let i = 0; i < values.length; i++) {
          const v = values[i]!(e);
          cells[i + 2] = typeof v === 'string' ? fitCell(neutraliseFormula(v)) : v;
        }
        cells[cells.length - 1] ??= null;
        const row = sheet.addRow(cells);
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
      await file.orFailure(zipCaughtUp(sheet));
    },
    async finish() {
      if (file.error) throw file.error;
      sheet.commit();
      await file.orFailure(workbook.commit());
      if (!file.stream.closed) await file.orFailure(once(file.stream, 'close'));
      return (await stat(path)).size;
    },
    bytesWritten: () => file.bytesWritten,
    async abort() {
      zip?.abort?.();
      await file.destroy();
    },
  };
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
