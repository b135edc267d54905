import type { LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';
import { COLUMNS, timeHeaders } from './columns';
import { zoneClock } from './zone-clock';
import { csvCell, csvRecord } from './csv-encoder';
import { neutraliseFormula } from './formula-neutraliser';
import { FileSink, type OpenFile } from './file-sink';
import type { ExportFileWriter } from './row-writer';

// Rows are encoded into one string and written a few hundred at a time: fewer, larger writes, and
// strings short-lived enough for the young generation.
const CHUNK_ROWS = 256;

/**
 * Writes an RFC 4180 CSV (UTF-8 with BOM, CRLF) page by page, with backpressure, so memory holds one page
 * at most however many rows there are. Every cell is formula-neutralised. A file error (a full disk) rejects
 * the next `write` or `finish`.
 */
export function createCsvWriter(
  path: string,
  logType: LogType,
  timeZone: string,
  open?: OpenFile
): ExportFileWriter {
  const columns = COLUMNS[logType];
  const values = columns.map((c) => c.value);
  const clock = zoneClock(timeZone);
  const file = new FileSink(path, open);
  const header = csvRecord([...timeHeaders(timeZone), ...columns.map((c) => c.header)]);
  let started = false;
  const start = () => {
    if (!started) file.write(`\uFEFF${header}`);
    started = true;
  };
  return {
    async write(entries: readonly LokiEntry[]) {
      start();
      let chunk = '';
      for (let r = 0; r < entries.length; r++) {
        const e = entries[r]!;
        const ms = Number(e.ts / 1_000_000n);
        // Times are digits, dashes, colons and dots (Loki's int64 nanoseconds span the years 1677 to 2262):
        // nothing to quote or neutralise.
        let record = `${clock.local(ms)},${clock.utc(ms)}`;
        for (let i = 0; i < values.length; i++) {
          const v = values[i]!(e);
          record += v === undefined ? ',' : `,${csvCell(neutraliseFormula(String(v)))}`;
        }
        chunk += `${record}\r\n`;
        if ((r + 1) % CHUNK_ROWS === 0) {
          file.write(chunk);
          chunk = '';
        }
      }
      if (chunk !== '') file.write(chunk);
      await file.drained();
    },
    async finish() {
      start();
      await file.end();
      return file.bytesWritten;
    },
    bytesWritten: () => file.bytesWritten,
    abort: () => file.destroy(),
  };
}
