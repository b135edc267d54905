// What a spreadsheet program must not take for a formula. OWASP's advice for CSV injection names a leading
// `= + - @`, tab or CR; some spreadsheet programs also start a formula at the full-width forms `＝ ＋ － ＠`
// (U+FF1D, U+FF0B, U+FF0D, U+FF20), which East Asian input methods type for `= + - @`.

/** Text a spreadsheet will not run as a formula: text starting with a character that starts one gets a leading `'`. */
export function neutraliseFormula(value: string): string {
  switch (value.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // CR
    case 0xff1d: // ＝ full-width equals sign
    case 0xff0b: // ＋ full-width plus sign
    case 0xff0d: // － full-width hyphen-minus
    case 0xff20: // ＠ full-width commercial at
      return `'${value}`;
    default:
      return value;
  }
}
