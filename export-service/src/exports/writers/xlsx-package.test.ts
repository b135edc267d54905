import { LOG_TYPE_TITLES } from '@auditlens/contract';
import { SHEET_NAME_MAX_CHARS, sheetName } from './xlsx-package';

describe('sheet names', () => {
  it('names the first sheet after its log type and the next ones with their number', () => {
    for (const title of Object.values(LOG_TYPE_TITLES)) {
      expect(sheetName(title, 1)).toBe(title);
      expect(sheetName(title, 2)).toBe(`${title} (2)`);
      expect(sheetName(title, 5)).toBe(`${title} (5)`);
    }
  });

  it('keeps names valid for Excel: at most 31 characters, none it forbids, distinct', () => {
    const title = "'Audit [logs]: *who?* / what \\ when, and much more'";
    const names = Array.from({ length: 1000 }, (_, i) => sheetName(title, i + 1));
    expect(names[0]).toBe('Audit logs who  what  when, and');
    expect(names[1]).toBe('Audit logs who  what  when, (2)');
    expect(names[999]).toBe('Audit logs who  what  wh (1000)');
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(SHEET_NAME_MAX_CHARS);
      expect(name).not.toMatch(/[[\]:*?/\\]|^'|'$/);
    }
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(sheetName('[]', 1)).toBe('Sheet');
  });
});
