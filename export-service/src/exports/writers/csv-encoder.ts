// RFC 4180 encoding of export records, written out here rather than with csv-stringify: with 14 cells a row,
// csv-stringify spends about 1.3 µs and several small objects per cell on options the exports never use
// (casts, multi-character delimiters, per-field option objects), which took CSV exports from 276k to 166k
// rows/s in the benchmark. The rule itself is one line; csv-encoder.test.ts checks that every record here is
// byte for byte what csv-stringify writes with the same options.

const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: as it is, or in double quotes with inner quotes doubled when it holds a quote, comma, CR or LF. */
export function csvCell(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record: the cells encoded, joined by commas and ended by CRLF. */
export function csvRecord(cells: readonly string[]): string {
  let record = '';
  for (let i = 0; i < cells.length; i++) record += (i === 0 ? '' : ',') + csvCell(cells[i]!);
  return `${record}\r\n`;
}
