import { stat } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { LOG_TYPE_TITLES, type LogType } from '@auditlens/contract';
import type { LokiEntry } from '../loki/types';
import { COLUMNS, wallClockDate } from './columns';
import type { RowWriter } from './row-writer';

const DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss.000';

/**
 * Writes an XLSX with exceljs' streaming writer: real date cells in the requester's time zone and in UTC,
 * a bold frozen header row with an autofilter, and column widths per field. Rows are committed as they
 * are written, so memory stays flat.
 */
export function createXlsxWriter(path: string, logType: LogType, timeZone: string): RowWriter {
  const columns = COLUMNS[logType];
  // Fast deflate keeps the zip stage ahead of row production.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
    zip: { zlib: { level: 1 } },
  });
  const sheet = workbook.addWorksheet(LOG_TYPE_TITLES[logType], { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    { header: `Time (${timeZone})`, width: 24 },
    { header: 'Time (UTC)', width: 24 },
    ...columns.map((c) => ({ header: c.header, width: c.width })),
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length + 2 } };
  sheet.getRow(1).commit();
  return {
    async write(entries: readonly LokiEntry[]) {
      for (const e of entries) {
        const date = new Date(Number(e.ts / 1_000_000n));
        const row = sheet.addRow([
          wallClockDate(date, timeZone),
          date,
          ...columns.map((c) => c.value(e) ?? null),
        ]);
        row.getCell(1).numFmt = DATE_FORMAT;
        row.getCell(2).numFmt = DATE_FORMAT;
        row.commit();
      }
      await zipCaughtUp(sheet);
    },
    async finish() {
      sheet.commit();
      await workbook.commit();
      return (await stat(path)).size;
    },
  };
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
  } else await new Promise((resolve) => setImmediate(resolve));
}
