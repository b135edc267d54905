import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify';
import type { LogType } from '@auditlens/contract';
import type { LokiEntry } from '../loki/types';
import { COLUMNS, formatInZone } from './columns';
import type { RowWriter } from './row-writer';

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell a spreadsheet will not run as a formula: text starting with `= + - @`, tab or CR gets a leading
 * apostrophe (OWASP's advice for CSV injection).
 */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Writes an RFC 4180 CSV (UTF-8 with BOM, CRLF) row by row, with flat memory. */
export function createCsvWriter(path: string, logType: LogType, timeZone: string): RowWriter {
  const columns = COLUMNS[logType];
  const file = createWriteStream(path);
  file.write('\uFEFF');
  const csv = stringify({ record_delimiter: '\r\n', quoted_string: false });
  csv.pipe(file);
  const closed = new Promise<void>((resolve, reject) => {
    file.on('finish', resolve);
    file.on('error', reject);
    csv.on('error', reject);
  });
  csv.write([`Time (${timeZone})`, 'Time (UTC)', ...columns.map((c) => c.header)]);
  return {
    async write(e: LokiEntry) {
      const date = new Date(Number(e.ts / 1_000_000n));
      const cells = columns.map((c) => {
        const v = c.value(e);
        return typeof v === 'string' ? neutraliseFormula(v) : (v ?? '');
      });
      if (!csv.write([formatInZone(date, timeZone), date.toISOString(), ...cells])) {
        await new Promise((resolve) => csv.once('drain', resolve));
      }
    },
    async finish() {
      csv.end();
      await closed;
      return file.bytesWritten;
    },
  };
}
