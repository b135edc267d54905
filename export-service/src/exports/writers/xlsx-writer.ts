import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';
import { LOG_TYPE_TITLES, type LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';
import { FileSink, type OpenFile } from './file-sink';
import type { ExportFileWriter } from './row-writer';
import { fixedParts, listingParts, sheetName, sheetPart } from './xlsx-package';
import { SheetXml } from './xlsx-sheet-xml';

export { fitCell, XLSX_MAX_CELL_CHARS, XLSX_TRUNCATION_MARK } from './xlsx-cell';

// Rows rendered in one synchronous run: a few milliseconds, after which the event loop turns, so the routes
// answer while a page is written and the zip stage (deflate on libuv's thread pool) works meanwhile.
const ROWS_PER_TURN = 512;
// The sheet's XML waiting for the zip stage: enough for a few runs of rows, so the renderer rarely waits.
const SHEET_BUFFER_BYTES = 1024 * 1024;
// Fast deflate: the file is about as large as exceljs' level 1 made it, for a fraction of the CPU of level 6.
const SHEET_COMPRESSION_LEVEL = 1;

/** The rows of data a worksheet holds: Excel's 1,048,576 rows, the header one of them. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;

/**
 * Writes an XLSX (`xlsx-sheet-xml.ts` renders the sheet: date cells in the requester's zone and in UTC, a bold
 * frozen header with an autofilter, column widths, text that never runs as a formula) streamed into a zip by
 * yazl, page by page with backpressure, so memory holds a page and a few buffers whatever the size. The sheet
 * is rendered on the event loop in runs of {@link ROWS_PER_TURN} rows; deflate runs on libuv's thread pool.
 * Once a sheet holds `rowsPerSheet` rows the next rows go on a new sheet of the same layout, "Access logs (2)",
 * so a file Excel opens can hold any export.
 *
 * The file is written through {@link FileSink}: every wait ends when the file fails.
 */
export function createXlsxWriter(
  path: string,
  logType: LogType,
  timeZone: string,
  open?: OpenFile,
  rowsPerSheet = XLSX_MAX_DATA_ROWS
): ExportFileWriter {
  if (!Number.isInteger(rowsPerSheet) || rowsPerSheet < 1)
    throw new RangeError('rowsPerSheet must be 1 or more');
  const file = new FileSink(path, open);
  const title = LOG_TYPE_TITLES[logType];
  const zip = new yazl.ZipFile();
  const created = new Date();
  for (const [name, text] of fixedParts(title, created))
    zip.addBuffer(Buffer.from(text), name, { mtime: created });
  const zipped = zip.outputStream as Readable;
  // The file ends once the zip has: FileSink ends it after the zip's last byte.
  zipped.pipe(file.stream, { end: false });
  // yazl reports its own failures (a stream it reads) on the ZipFile, and its output stream may fail once
  // abandoned; either fails the file, and so its next wait.
  const fail = (error: Error) => void file.stream.destroy(error);
  zip.on('error', fail);
  zipped.on('error', fail);

  // The sheet being written: its renderer, its XML on the way into the zip, and the rows it has so far.
  let sheets = 0;
  let current: { sheet: SheetXml; out: PassThrough; rows: number } | undefined;
  const put = async (out: PassThrough, xml: string): Promise<void> => {
    if (!out.write(xml)) await file.orFailure(once(out, 'drain'));
  };
  // yazl reads its entries one after another: a sheet's stream is read once the sheet before it has ended.
  const nextSheet = async (): Promise<NonNullable<typeof current>> => {
    if (current) current.out.end(current.sheet.end());
    const sheet = new SheetXml(logType, timeZone);
    const out = new PassThrough({ highWaterMark: SHEET_BUFFER_BYTES });
    current = { sheet, out, rows: 0 };
    zip.addReadStream(out, sheetPart(++sheets), {
      mtime: created,
      compressionLevel: SHEET_COMPRESSION_LEVEL,
    });
    await put(out, sheet.start());
    return current;
  };
  return {
    async write(entries: readonly LokiEntry[]) {
      if (file.error) throw file.error;
      for (let from = 0; from < entries.length;) {
        if (from > 0) await file.orFailure(nextTurn());
        const into = current && current.rows < rowsPerSheet ? current : await nextSheet();
        const to = Math.min(from + ROWS_PER_TURN, entries.length, from + rowsPerSheet - into.rows);
        into.rows += to - from;
        await put(into.out, into.sheet.rows(entries, from, to));
        from = to;
      }
    },
    async finish() {
      if (file.error) throw file.error;
      // A file without rows still has its sheet, with the header.
      const last = current ?? (await nextSheet());
      last.out.end(last.sheet.end());
      // The listing parts name every sheet, so they follow the last one, as in the files exceljs' streaming
      // writer wrote here before: [Content_Types].xml is not the zip's first entry. Readers that find the parts
      // by the zip's central directory (openpyxl, exceljs' Workbook reader) read it; exceljs' streaming
      // WorkbookReader, which goes by the entries' order, may miss a workbook stored last (exceljs#3064).
      const names = Array.from({ length: sheets }, (_, i) => sheetName(title, i + 1));
      for (const [name, text] of listingParts(names))
        zip.addBuffer(Buffer.from(text), name, { mtime: created });
      zip.end();
      await file.orFailure(once(zipped, 'end'));
      await file.end();
      return (await stat(path)).size;
    },
    bytesWritten: () => file.bytesWritten,
    async abort() {
      zipped.unpipe(file.stream);
      current?.out.destroy();
      zipped.destroy();
      await file.destroy();
    },
  };
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
