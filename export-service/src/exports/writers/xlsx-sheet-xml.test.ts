import { columnLetters, SheetXml, xmlText } from './xlsx-sheet-xml';

describe('XLSX sheet XML', () => {
  it('spells column letters as cell references do', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702, 16_383].map(columnLetters)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
      'XFD',
    ]);
  });

  it('escapes markup and drops what XML 1.0 forbids, leaving other text as it is', () => {
    expect(xmlText('plain text, "quoted" and \'single\'')).toBe('plain text, "quoted" and \'single\'');
    expect(xmlText('<a href="x">&amp;</a>')).toBe('&lt;a href="x"&gt;&amp;amp;&lt;/a&gt;');
    expect(xmlText('\u0000\u0001\u0008|\t\n\r|\u000b\u000c\u000e\u001f\u007f|\ufffe\uffff|\ufffd')).toBe(
      '|\t\n\r|||\ufffd'
    );
    expect(xmlText('😀 漢字')).toBe('😀 漢字');
  });

  it('numbers rows on from those rendered before, and writes no cell for a missing value', () => {
    const sheet = new SheetXml('integration_failure', 'UTC');
    const entry = (i: number) => ({
      ts: BigInt(Date.UTC(2026, 0, 1) + i) * 1_000_000n,
      line: `line ${i}`,
      labels: {},
      metadata: { audit_event_id: `id-${i}` },
    });
    const entries = [entry(0), entry(1), entry(2)];
    expect(sheet.start()).toContain(
      '<row r="1" s="1" customFormat="1"><c r="A1" s="1" t="str"><v>When (UTC)</v></c>'
    );
    const first = sheet.rows(entries, 0, 2);
    const second = sheet.rows(entries, 2, 3);
    expect(first.match(/<row r="\d+">/g)).toEqual(['<row r="2">', '<row r="3">']);
    expect(second).toBe(
      '<row r="4"><c r="A4" s="2"><v>46023.00000002315</v></c><c r="B4" s="2"><v>46023.00000002315</v></c>' +
        '<c r="H4" t="str"><v>line 2</v></c><c r="I4" t="str"><v>id-2</v></c></row>'
    );
    expect(sheet.end()).toContain('<autoFilter ref="A1:I1"/>');
  });
});
