import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { LogType } from '@auditlens/contract';
import type { LokiEntry } from '../loki/types';
import { COLUMNS, zoneClock } from './columns';
import type { RowWriter } from './row-writer';

const OPTIONS = { record_delimiter: '\r\n', quoted_string: false } as const;
// csv-stringify quotes a cell containing CR or LF whatever the record delimiter, so records separated by LF
// hold the same cells; LF is cheaper for it to look for than CRLF. A page with no LF in any cell can then be
// turned into CRLF records by replacing every LF.
const LF_OPTIONS = { record_delimiter: '\n', quoted_string: false } as const;

/**
 * A cell a spreadsheet will not run as a formula: text starting with `= + - @`, tab or CR gets a leading
 * apostrophe (OWASP's advice for CSV injection).
 */
export function neutraliseFormula(value: string): string {
  switch (value.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // CR
      return `'${value}`;
    default:
      return value;
  }
}

// Rows are encoded and written a few hundred at a time: short strings and arrays that die young are cheap
// for the garbage collector, where a page's worth of them would be copied around while it is being built.
const CHUNK_ROWS = 256;

/**
 * Writes an RFC 4180 CSV (UTF-8 with BOM, CRLF). Each page of rows is encoded by csv-stringify and written
 * with backpressure, so memory holds one page at most however many rows there are.
 */
export function createCsvWriter(path: string, logType: LogType, timeZone: string): RowWriter {
  const columns = COLUMNS[logType];
  const values = columns.map((c) => c.value);
  const clock = zoneClock(timeZone);
  const file = createWriteStream(path);
  const closed = new Promise<void>((resolve, reject) => {
    file.on('finish', resolve);
    file.on('error', reject);
  });
  const drained = async () => {
    if (file.writableNeedDrain) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
  };
  const header = stringify([[`Time (${timeZone})`, 'Time (UTC)', ...columns.map((c) => c.header)]], OPTIONS);
  let started = false;
  const start = () => {
    if (!started) file.write(`\uFEFF${header}`);
    started = true;
  };
  // Reused for every chunk: csv-stringify keeps nothing of the records it is given.
  const records: Array<Array<string | number>> = [];
  return {
    async write(entries: readonly LokiEntry[]) {
      start();
      for (let from = 0; from < entries.length; from += CHUNK_ROWS) {
        const count = Math.min(CHUNK_ROWS, entries.length - from);
        records.length = count;
        let lineFeeds = false;
        for (let r = 0; r < count; r++) {
          const e = entries[from + r]!;
          const ms = Number(e.ts / 1_000_000n);
          const row = (records[r] ??= new Array<string | number>(values.length + 2));
          row[0] = clock.local(ms);
          row[1] = clock.utc(ms);
          for (let i = 0; i < values.length; i++) {
            const v = values[i]!(e);
            if (typeof v === 'string') {
              if (!lineFeeds && v.includes('\n')) lineFeeds = true;
              row[i + 2] = neutraliseFormula(v);
            } else row[i + 2] = v ?? '';
          }
        }
        file.write(
          lineFeeds ? stringify(records, OPTIONS) : stringify(records, LF_OPTIONS).replaceAll('\n', '\r\n')
        );
      }
      await drained();
    },
    async finish() {
      start();
      file.end();
      await closed;
      return file.bytesWritten;
    },
  };
}
