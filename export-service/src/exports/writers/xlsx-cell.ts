/** Excel's limit of characters in a cell ("Excel specifications and limits"); longer text makes it repair the file. */
export const XLSX_MAX_CELL_CHARS = 32_767;
/** Ends a cell cut to {@link XLSX_MAX_CELL_CHARS}, so a reader sees that text is missing. */
export const XLSX_TRUNCATION_MARK = ' …[truncated]';

/** `text` cut to fit one Excel cell, with {@link XLSX_TRUNCATION_MARK} at its end when it was cut. */
export function fitCell(text: string): string {
  if (text.length <= XLSX_MAX_CELL_CHARS) return text;
  let cut = XLSX_MAX_CELL_CHARS - XLSX_TRUNCATION_MARK.length;
  // Never leave half of a surrogate pair (an emoji, say) before the mark.
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + XLSX_TRUNCATION_MARK;
}
