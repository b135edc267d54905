import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { LogType } from '@auditlens/contract';
import type { LokiEntry } from '../loki/types';
import { COLUMNS, formatInZone } from './columns';
import type { RowWriter } from './row-writer';

const FORMULA_START = /^[=+\-@\t\r]/;
const OPTIONS = { record_delimiter: '\r\n', quoted_string: false } as const;

/**
 * A cell a spreadsheet will not run as a formula: text starting with `= + - @`, tab or CR gets a leading
 * apostrophe (OWASP's advice for CSV injection).
 */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/**
 * Writes an RFC 4180 CSV (UTF-8 with BOM, CRLF). Each page of rows is encoded by csv-stringify and written
 * with backpressure, so memory holds one page at most however many rows there are.
 */
export function createCsvWriter(path: string, logType: LogType, timeZone: string): RowWriter {
  const columns = COLUMNS[logType];
  const file = createWriteStream(path);
  const closed = new Promise<void>((resolve, reject) => {
    file.on('finish', resolve);
    file.on('error', reject);
  });
  const put = async (text: string) => {
    if (!file.write(text)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
  };
  const header = stringify([[`Time (${timeZone})`, 'Time (UTC)', ...columns.map((c) => c.header)]], OPTIONS);
  let started = false;
  return {
    async write(entries: readonly LokiEntry[]) {
      const records = entries.map((e) => {
        const date = new Date(Number(e.ts / 1_000_000n));
        const row: Array<string | number> = [formatInZone(date, timeZone), date.toISOString()];
        for (const c of columns) {
          const v = c.value(e);
          row.push(typeof v === 'string' ? neutraliseFormula(v) : (v ?? ''));
        }
        return row;
      });
      await put((started ? '' : `\uFEFF${header}`) + stringify(records, OPTIONS));
      started = true;
    },
    async finish() {
      if (!started) await put(`\uFEFF${header}`);
      file.end();
      await closed;
      return file.bytesWritten;
    },
  };
}
