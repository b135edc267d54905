// The worksheet part of an export's XLSX (`xl/worksheets/sheet1.xml`, SpreadsheetML of ECMA-376), rendered as
// text row after row: no cell or row objects, one string per run of rows. A row costs a few µs here where
// exceljs' streaming writer, which wrote these sheets before, built objects per cell and took 30 µs and more.
import type { LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';
import { COLUMNS, timeHeaders } from './columns';
import { neutraliseFormula } from './formula-neutraliser';
import { fitCell } from './xlsx-cell';
import { zoneClock, type ZoneClock } from './zone-clock';

/** Style ids of `xl/styles.xml` (`xlsx-package.ts`): the header's bold font and the date cells' format. */
export const STYLE = { header: 1, date: 2 } as const;

// Excel's serial day number of 1970-01-01 (days since 1899-12-30), the epoch of the dates written.
const EXCEL_EPOCH_DAYS = 25_569;
const MS_PER_DAY = 24 * 3600 * 1000;

// Characters XML 1.0 does not allow in a document (C0 controls but tab, LF and CR; U+FFFE, U+FFFF), dropped as
// exceljs dropped them, with DEL, which it dropped too. A lone surrogate needs nothing: UTF-8 encoding makes it
// U+FFFD. `&`, `<` and `>` are escaped; quotes need not be in element text.
// eslint-disable-next-line no-control-regex -- finding these control characters is the point
const NEEDS_ESCAPE = /[&<>\x00-\x08\x0B\x0C\x0E-\x1F\x7F\uFFFE\uFFFF]/;
const ESCAPED = new RegExp(NEEDS_ESCAPE.source, 'g');
const escapeOne = (c: string): string => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '');

/** `text` as XML element text: `&`, `<`, `>` escaped, characters XML 1.0 forbids dropped. */
export function xmlText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, escapeOne) : text;
}

/** The letters of column `index` (0 is A), as a cell reference spells them. */
export function columnLetters(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const digit = (n - 1) % 26;
    letters = String.fromCharCode(65 + digit) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** A text cell: `t="str"`, a string value that is never a formula (no `<f>`), as exceljs wrote them. */
function textCell(ref: string, text: string, style = ''): string {
  return `<c r="${ref}"${style} t="str"><v>${xmlText(text)}</v></c>`;
}

/**
 * The sheet of one log type: its start (frozen header row, column widths, the header), its rows from Loki
 * entries, and its end (the autofilter over the header). Every cell a row has gets its reference; a missing
 * value writes no cell.
 */
export class SheetXml {
  private readonly values: ReadonlyArray<(e: LokiEntry) => string | number | undefined>;
  private readonly letters: readonly string[];
  private readonly clock: ZoneClock;
  private readonly headers: readonly string[];
  private readonly widths: readonly number[];
  /** The number of the next row (1 is the header). */
  private next = 2;

  constructor(logType: LogType, timeZone: string) {
    const columns = COLUMNS[logType];
    this.values = columns.map((c) => c.value);
    this.clock = zoneClock(timeZone);
    this.headers = [...timeHeaders(timeZone), ...columns.map((c) => c.header)];
    this.widths = [24, 24, ...columns.map((c) => c.width)];
    this.letters = this.headers.map((_, i) => columnLetters(i));
  }

  /** The XML before the first row of data: the worksheet's start, its view and columns, the header row. */
  start(): string {
    const cols = this.widths
      .map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`)
      .join('');
    const header = this.headers
      .map((h, i) => textCell(`${this.letters[i]!}1`, h, ` s="${STYLE.header}"`))
      .join('');
    return (
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
      '<sheetViews><sheetView workbookViewId="0">' +
      '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
      '<selection pane="bottomLeft"/></sheetView></sheetViews>' +
      `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>` +
      `<row r="1" s="${STYLE.header}" customFormat="1">${header}</row>`
    );
  }

  /** The rows of `entries[from]` to `entries[to - 1]`, numbered after those rendered before. */
  rows(entries: readonly LokiEntry[], from: number, to: number): string {
    const { values, letters, clock } = this;
    let xml = '';
    for (let r = from; r < to; r++) {
      const e = entries[r]!;
      const n = this.next++;
      const ms = Number(e.ts / 1_000_000n);
      const local = EXCEL_EPOCH_DAYS + clock.wallClockMs(ms) / MS_PER_DAY;
      const utc = EXCEL_EPOCH_DAYS + ms / MS_PER_DAY;
      let row =
        `<row r="${n}"><c r="A${n}" s="${STYLE.date}"><v>${local}</v></c>` +
        `<c r="B${n}" s="${STYLE.date}"><v>${utc}</v></c>`;
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!(e);
        if (v === undefined) continue;
        const ref = letters[i + 2]! + n;
        row +=
          typeof v === 'number' && Number.isFinite(v)
            ? `<c r="${ref}"><v>${v}</v></c>`
            : textCell(ref, fitCell(neutraliseFormula(String(v))));
      }
      xml += `${row}</row>`;
    }
    return xml;
  }

  /** The XML after the last row: the autofilter over the header, the page margins, the worksheet's end. */
  end(): string {
    return (
      `</sheetData><autoFilter ref="A1:${this.letters.at(-1)!}1"/>` +
      '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    );
  }
}
