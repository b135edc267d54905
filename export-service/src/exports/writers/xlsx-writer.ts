import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import yazl from 'yazl';
import { LOG_TYPE_TITLES, type LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';
import { FileSink, type OpenFile } from './file-sink';
import type { ExportFileWriter } from './row-writer';
import { packageParts, SHEET_PART } from './xlsx-package';
import { SheetXml } from './xlsx-sheet-xml';

export { fitCell, XLSX_MAX_CELL_CHARS, XLSX_TRUNCATION_MARK } from './xlsx-cell';

// Rows rendered in one synchronous run: a few milliseconds, after which the event loop turns, so the routes
// answer while a page is written and the zip stage (deflate on libuv's thread pool) works meanwhile.
const ROWS_PER_TURN = 512;
// The sheet's XML waiting for the zip stage: enough for a few runs of rows, so the renderer rarely waits.
const SHEET_BUFFER_BYTES = 1024 * 1024;
// Fast deflate: the file is about as large as exceljs' level 1 made it, for a fraction of the CPU of level 6.
const SHEET_COMPRESSION_LEVEL = 1;

/**
 * Writes an XLSX (`xlsx-sheet-xml.ts` renders the sheet: date cells in the requester's zone and in UTC, a bold
 * frozen header with an autofilter, column widths, text that never runs as a formula) streamed into a zip by
 * yazl, page by page with backpressure, so memory holds a page and a few buffers whatever the size. The sheet
 * is rendered on the event loop in runs of {@link ROWS_PER_TURN} rows; deflate runs on libuv's thread pool.
 *
 * The file is written through {@link FileSink}: every wait ends when the file fails.
 */
export function createXlsxWriter(
  path: string,
  logType: LogType,
  timeZone: string,
  open?: OpenFile
): ExportFileWriter {
  const file = new FileSink(path, open);
  const sheet = new SheetXml(logType, timeZone);
  const sheetXml = new PassThrough({ highWaterMark: SHEET_BUFFER_BYTES });
  const zip = new yazl.ZipFile();
  const created = new Date();
  for (const [name, text] of packageParts(LOG_TYPE_TITLES[logType], created))
    zip.addBuffer(Buffer.from(text), name, { mtime: created });
  zip.addReadStream(sheetXml, SHEET_PART, { mtime: created, compressionLevel: SHEET_COMPRESSION_LEVEL });
  const zipped = zip.outputStream as Readable;
  // The file ends once the zip has: FileSink ends it after the zip's last byte.
  zipped.pipe(file.stream, { end: false });
  // yazl reports its own failures (a stream it reads) on the ZipFile, and its output stream may fail once
  // abandoned; either fails the file, and so its next wait.
  const fail = (error: Error) => void file.stream.destroy(error);
  zip.on('error', fail);
  zipped.on('error', fail);
  let started = false;
  const put = async (xml: string): Promise<void> => {
    if (!sheetXml.write(xml)) await file.orFailure(once(sheetXml, 'drain'));
  };
  const start = async () => {
    if (started) return;
    started = true;
    await put(sheet.start());
  };
  return {
    async write(entries: readonly LokiEntry[]) {
      if (file.error) throw file.error;
      await start();
      for (let from = 0; from < entries.length; from += ROWS_PER_TURN) {
        if (from > 0) await file.orFailure(nextTurn());
        await put(sheet.rows(entries, from, Math.min(from + ROWS_PER_TURN, entries.length)));
      }
    },
    async finish() {
      if (file.error) throw file.error;
      await start();
      sheetXml.end(sheet.end());
      zip.end();
      await file.orFailure(once(zipped, 'end'));
      await file.end();
      return (await stat(path)).size;
    },
    bytesWritten: () => file.bytesWritten,
    async abort() {
      zipped.unpipe(file.stream);
      sheetXml.destroy();
      zipped.destroy();
      await file.destroy();
    },
  };
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
