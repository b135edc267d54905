import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import type { LokiEntry } from '@auditlens/loki';
import { useTempDir } from '../../../test/support/temp-dir';
import { excelSerialToIso, readZipEntries, sheetRows } from '../../../test/support/xlsx-reader';
import { diskWithRoom } from '../../../test/support/full-disk';
import { createXlsxWriter, fitCell, XLSX_MAX_CELL_CHARS, XLSX_TRUNCATION_MARK } from './xlsx-writer';

// A busy machine (2 cores shared) can take seconds for the larger files here.
jest.setTimeout(30_000);

const labels = { service_name: 'helpdesk', audit_log_type: 'integration_failure' };
const T = Date.parse('2026-11-20T10:00:00Z');

function failure(i: number): LokiEntry {
  return {
    ts: BigInt(T + i) * 1_000_000n,
    line: `sync ${i} failed`,
    labels,
    metadata: {
      audit_integration_name: `crm-${i}`,
      audit_integration_type: 'crm',
      audit_failure_type: i % 2 ? 'auth' : 'timeout',
      audit_event_id: `id-${i}`,
    },
  };
}

describe('XLSX writer', () => {
  const dir = useTempDir('xlsx-writer-');

  it('writes every row of pages longer than its event-loop turns, in order, with date cells', async () => {
    const path = join(dir(), 'out.xlsx');
    const writer = createXlsxWriter(path, 'integration_failure', 'Asia/Tokyo');
    const entries = Array.from({ length: 250 }, (_, i) => failure(i));
    await writer.write(entries.slice(0, 101));
    await writer.write(entries.slice(101));
    const bytes = await writer.finish();
    const file = await readFile(path);
    expect(file.length).toBe(bytes);
    const rows = sheetRows((await readZipEntries(file)).get('xl/worksheets/sheet1.xml')!);
    expect(rows).toHaveLength(1 + 250);
    expect(rows[0]!.map((c) => c.value)).toEqual([
      'When (Asia/Tokyo)',
      'When (UTC)',
      'Integration',
      'Integration type',
      'Failure type',
      'Details',
      'Brand',
      'Summary',
      'Event ID',
    ]);
    expect(rows.slice(1).map((r) => r.at(-1)!.value)).toEqual(entries.map((_, i) => `id-${i}`));
    const last = rows[250]!;
    expect(excelSerialToIso(Number(last[0]!.value))).toBe('2026-11-20T19:00:00.249');
    expect(excelSerialToIso(Number(last[1]!.value))).toBe('2026-11-20T10:00:00.249');
    expect(last.map((c) => c.value).slice(2, 5)).toEqual(['crm-249', 'crm', 'auth']);
  });

  it('lets a route on the event loop answer while the file grows', async () => {
    const server: Server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const route = () =>
      new Promise<string>((resolve, reject) =>
        get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(body));
        }).on('error', reject)
      );
    const path = join(dir(), 'large.xlsx');
    const writer = createXlsxWriter(path, 'integration_failure', 'UTC');
    try {
      const page = (p: number) => Array.from({ length: 4000 }, (_, i) => failure(p * 4000 + i));
      // The route is asked again and again while the pages are on their way into the file; each answer notes
      // how many bytes of the file were written by then.
      let writing = true;
      const answeredAt: number[] = [];
      const asking = (async () => {
        while (writing) {
          expect(await route()).toBe('ok');
          answeredAt.push(writer.bytesWritten());
        }
      })();
      for (let p = 0; p < 5; p++) await writer.write(page(p));
      const size = await writer.finish();
      writing = false;
      await asking;
      // The route answered while the file grew, at many sizes of it.
      expect(new Set(answeredAt.filter((n) => n > 0 && n < size)).size).toBeGreaterThanOrEqual(3);
      const rows = sheetRows((await readZipEntries(await readFile(path))).get('xl/worksheets/sheet1.xml')!);
      expect(rows).toHaveLength(1 + 20_000);
      expect(rows.at(-1)!.at(-1)!.value).toBe('id-19999');
    } finally {
      await writer.abort();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('writes files at the same time, each with its own rows and zone', async () => {
    const first = createXlsxWriter(join(dir(), 'a.xlsx'), 'integration_failure', 'Asia/Tokyo');
    const second = createXlsxWriter(join(dir(), 'b.xlsx'), 'integration_failure', 'UTC');
    await first.write([failure(1)]);
    await second.write([failure(2), failure(3)]);
    await first.write([failure(4)]);
    await Promise.all([first.finish(), second.finish()]);
    const read = async (name: string) =>
      sheetRows((await readZipEntries(await readFile(join(dir(), name)))).get('xl/worksheets/sheet1.xml')!);
    const [a, b] = [await read('a.xlsx'), await read('b.xlsx')];
    expect(a[0]![0]!.value).toBe('When (Asia/Tokyo)');
    expect(a.slice(1).map((r) => r.at(-1)!.value)).toEqual(['id-1', 'id-4']);
    expect(a[2]![0]!.ref).toBe('A3');
    expect(b[0]![0]!.value).toBe('When (UTC)');
    expect(b.slice(1).map((r) => r.at(-1)!.value)).toEqual(['id-2', 'id-3']);
  });

  it('cuts text longer than an Excel cell holds, with a visible mark, and leaves shorter text alone', async () => {
    const path = join(dir(), 'long.xlsx');
    const writer = createXlsxWriter(path, 'integration_failure', 'UTC');
    const long = 'x'.repeat(40_000);
    const exact = 'y'.repeat(XLSX_MAX_CELL_CHARS);
    const entry = (i: number, details: string): LokiEntry => ({
      ...failure(i),
      metadata: { ...failure(i).metadata, error_message: details },
    });
    await writer.write([entry(0, long), entry(1, exact)]);
    await writer.finish();
    const rows = sheetRows((await readZipEntries(await readFile(path))).get('xl/worksheets/sheet1.xml')!);
    const details = rows[0]!.findIndex((c) => c.value === 'Details');
    const cut = rows[1]![details]!.value;
    expect(cut).toHaveLength(XLSX_MAX_CELL_CHARS);
    expect(cut.endsWith(XLSX_TRUNCATION_MARK)).toBe(true);
    expect(cut.startsWith('xxxx')).toBe(true);
    expect(rows[2]![details]!.value).toBe(exact);
  });

  it('puts an apostrophe before text that would start a formula once edited, full-width forms too', async () => {
    const path = join(dir(), 'formulas.xlsx');
    const writer = createXlsxWriter(path, 'integration_failure', 'UTC');
    const texts = [
      '=HYPERLINK("http://evil.test")',
      '+1+1',
      '-2',
      '@SUM(A1)',
      '＝1+1',
      '＋1',
      '－2',
      '＠SUM(A1)',
    ];
    await writer.write([
      ...texts.map((text, i) => ({
        ...failure(i),
        metadata: { ...failure(i).metadata, error_message: text },
      })),
      { ...failure(99), metadata: { ...failure(99).metadata, error_message: 'a=b, plain' } },
    ]);
    await writer.finish();
    const xml = (await readZipEntries(await readFile(path))).get('xl/worksheets/sheet1.xml')!;
    const rows = sheetRows(xml);
    const details = rows[0]!.findIndex((c) => c.value === 'Details');
    const cells = rows.slice(1).map((r) => r[details]!);
    expect(cells.map((c) => c.value)).toEqual([...texts.map((t) => `'${t}`), 'a=b, plain']);
    // Text values (`t="str"` with a value, as exceljs wrote them), and no formula anywhere: nothing runs as the
    // file opens.
    expect(new Set(cells.map((c) => c.type))).toEqual(new Set(['str']));
    expect(xml).not.toMatch(/<f[ >]/);
  });

  it('escapes markup, keeps tabs, line breaks and emoji, and drops the characters XML 1.0 forbids', async () => {
    const path = join(dir(), 'odd.xlsx');
    const writer = createXlsxWriter(path, 'integration_failure', 'UTC');
    const texts = [
      'a < b && c > d </v></c><c r="Z9"><v>1</v></c>',
      `quotes " and ' stay`,
      'tab\there, line\nbreak',
      'bell\u0007 nul\u0000 esc\u001b vt\u000b ff\u000c del\u007f nonchars\ufffe\uffff end',
      'emoji 😀, accents éü, CJK 漢字, RTL שלום',
      ']]> <![CDATA[ x ]]>',
    ];
    await writer.write(
      texts.map((text, i) => ({ ...failure(i), metadata: { ...failure(i).metadata, error_message: text } }))
    );
    await writer.finish();
    const xml = (await readZipEntries(await readFile(path))).get('xl/worksheets/sheet1.xml')!;
    const rows = sheetRows(xml);
    const details = rows[0]!.findIndex((c) => c.value === 'Details');
    expect(rows.slice(1).map((r) => r[details]!.value)).toEqual([
      texts[0],
      texts[1],
      texts[2],
      'bell nul esc vt ff del nonchars end',
      texts[4],
      texts[5],
    ]);
    // No character XML 1.0 forbids is left anywhere in the sheet, and the markup in the text stayed text.
    // eslint-disable-next-line no-control-regex -- looking for the characters XML forbids
    expect(xml).not.toMatch(/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/);
    expect(rows.flat().map((c) => c.ref)).not.toContain('Z9');
    // A strict XML parser (exceljs' reader) reads the same text.
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const column = book.worksheets[0]!.getColumn(details + 1);
    expect(column.values.slice(2)).toEqual(rows.slice(1).map((r) => r[details]!.value));
  });

  it('writes a file a spreadsheet library reads back: dates, numbers, header, widths, frozen pane, filter', async () => {
    const path = join(dir(), 'round-trip.xlsx');
    const writer = createXlsxWriter(path, 'webhook_failure', 'America/New_York');
    const at = Date.parse('2026-07-04T12:34:56.789Z');
    const hook = (i: number, status: string | undefined): LokiEntry => ({
      ts: BigInt(at + i) * 1_000_000n,
      line: `delivery ${i} failed`,
      labels: { service_name: 'helpdesk', audit_log_type: 'webhook_failure' },
      metadata: {
        audit_webhook_name: `hook & <${i}>`,
        url_full: 'https://example.test/hook?a=1&b=2',
        http_request_method: 'POST',
        ...(status === undefined ? {} : { http_response_status_code: status }),
        error_message: '=1+1',
        audit_attempt: String(i + 1),
        audit_event_id: `id-${i}`,
      },
    });
    await writer.write([hook(0, '503'), hook(1, undefined), hook(2, 'n/a')]);
    await writer.finish();

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Webhook failures']);
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(4);
    const header = sheet.getRow(1);
    expect(header.getCell(1).value).toBe('When (America/New_York)');
    expect(header.getCell(2).value).toBe('When (UTC)');
    expect(header.getCell(3).value).toBe('Webhook');
    expect(header.getCell(1).font?.bold).toBe(true);
    expect(sheet.getColumn(1).width).toBe(24);
    expect(sheet.getColumn(4).width).toBe(48);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:K1');

    const first = sheet.getRow(2);
    // Dates are dates with milliseconds, the first column the New York wall clock (EDT, UTC-4).
    expect(first.getCell(1).value).toEqual(new Date('2026-07-04T08:34:56.789Z'));
    expect(first.getCell(2).value).toEqual(new Date('2026-07-04T12:34:56.789Z'));
    expect(first.getCell(1).numFmt).toBe('yyyy-mm-dd hh:mm:ss.000');
    expect(first.getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm:ss.000');
    expect(first.getCell(3).value).toBe('hook & <0>');
    expect(first.getCell(4).value).toBe('https://example.test/hook?a=1&b=2');
    // Status and attempt are numbers; text that is not a number stays text; a missing value is an empty cell.
    expect(first.getCell(6).value).toBe(503);
    expect(first.getCell(8).value).toBe(1);
    expect(sheet.getRow(3).getCell(6).value).toBeNull();
    expect(sheet.getRow(4).getCell(6).value).toBe('n/a');
    expect(first.getCell(7).value).toBe("'=1+1");
    expect(first.getCell(7).formula).toBeUndefined();
    expect(sheet.getRow(4).getCell(11).value).toBe('id-2');
  });

  it('packages the sheet with the parts a spreadsheet program needs', async () => {
    const path = join(dir(), 'parts.xlsx');
    const writer = createXlsxWriter(path, 'access', 'UTC');
    await writer.finish();
    const parts = await readZipEntries(await readFile(path));
    expect([...parts.keys()].sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'docProps/app.xml',
      'docProps/core.xml',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
    ]);
    expect(parts.get('[Content_Types].xml')).toContain(
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    );
    expect(parts.get('xl/workbook.xml')).toContain(
      '<sheets><sheet name="Access logs" sheetId="1" r:id="rId1"/></sheets>'
    );
    expect(parts.get('xl/_rels/workbook.xml.rels')).toMatch(
      /Id="rId1" Type="[^"]+\/worksheet" Target="worksheets\/sheet1.xml".*Id="rId2" Type="[^"]+\/styles"/
    );
    // A file without events still has its header row, and nothing else.
    const rows = sheetRows(parts.get('xl/worksheets/sheet1.xml')!);
    expect(rows).toHaveLength(1);
    expect(rows[0]![0]!.value).toBe('When (UTC)');
  });

  it('continues on numbered sheets of the same layout once a sheet is full, every row once and in order', async () => {
    const path = join(dir(), 'sheets.xlsx');
    const writer = createXlsxWriter(path, 'integration_failure', 'Asia/Tokyo', undefined, 3);
    const entries = Array.from({ length: 8 }, (_, i) => failure(i));
    // The first page fills a sheet and runs into the next one.
    await writer.write(entries.slice(0, 5));
    await writer.write(entries.slice(5));
    await writer.finish();
    const parts = await readZipEntries(await readFile(path));
    const names = ['Integration failures', 'Integration failures (2)', 'Integration failures (3)'];
    const sheets = [1, 2, 3].map((n) => sheetRows(parts.get(`xl/worksheets/sheet${n}.xml`)!));
    expect(parts.has('xl/worksheets/sheet4.xml')).toBe(false);
    expect(sheets.map((rows) => rows.length - 1)).toEqual([3, 3, 2]);
    for (const rows of sheets) {
      expect(rows[0]!.map((c) => c.value)).toEqual(sheets[0]![0]!.map((c) => c.value));
      // Each sheet numbers its rows from 2, under its own header.
      expect(rows.slice(1).map((r) => r[0]!.ref)).toEqual(rows.slice(1).map((_, i) => `A${i + 2}`));
    }
    expect(sheets.flatMap((rows) => rows.slice(1).map((r) => r.at(-1)!.value))).toEqual(
      entries.map((_, i) => `id-${i}`)
    );
    const types = parts.get('[Content_Types].xml')!;
    for (const n of [1, 2, 3]) expect(types).toContain(`<Override PartName="/xl/worksheets/sheet${n}.xml"`);
    expect(parts.get('xl/_rels/workbook.xml.rels')).toContain(
      'Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet3.xml"'
    );

    // A spreadsheet library sees three sheets, each with the first one's layout.
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    expect(book.worksheets.map((w) => w.name)).toEqual(names);
    const ids: unknown[] = [];
    for (const sheet of book.worksheets) {
      expect(sheet.getRow(1).getCell(1).value).toBe('When (Asia/Tokyo)');
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(sheet.getColumn(1).width).toBe(24);
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.autoFilter).toBe('A1:I1');
      expect(sheet.getRow(2).getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm:ss.000');
      sheet.eachRow((row, n) => void (n > 1 && ids.push(row.getCell(9).value)));
    }
    expect(ids).toEqual(entries.map((_, i) => `id-${i}`));
    expect(book.worksheets[2]!.getRow(3).getCell(2).value).toEqual(new Date(T + 7));
  });

  it('starts no empty sheet when the rows fill the last one exactly', async () => {
    const path = join(dir(), 'full-sheets.xlsx');
    const writer = createXlsxWriter(path, 'access', 'UTC', undefined, 3);
    await writer.write(Array.from({ length: 3 }, (_, i) => failure(i)));
    await writer.write(Array.from({ length: 3 }, (_, i) => failure(3 + i)));
    await writer.finish();
    const parts = await readZipEntries(await readFile(path));
    expect([...parts.keys()].filter((k) => k.startsWith('xl/worksheets/')).sort()).toEqual([
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet2.xml',
    ]);
    expect(parts.get('xl/workbook.xml')).toContain(
      '<sheets><sheet name="Access logs" sheetId="1" r:id="rId1"/><sheet name="Access logs (2)" sheetId="2" r:id="rId2"/></sheets>'
    );
    expect(sheetRows(parts.get('xl/worksheets/sheet2.xml')!)).toHaveLength(1 + 3);
  });

  it('never cuts a surrogate pair in half', () => {
    const emoji = '😀'.repeat(20_000); // 40,000 UTF-16 code units
    const cut = fitCell(emoji);
    expect(cut.length).toBeLessThanOrEqual(XLSX_MAX_CELL_CHARS);
    expect(cut.endsWith(XLSX_TRUNCATION_MARK)).toBe(true);
    const kept = cut.slice(0, -XLSX_TRUNCATION_MARK.length);
    expect(kept).toBe('😀'.repeat(kept.length / 2));
  });

  describe('on a full disk', () => {
    let unhandled: unknown[];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    beforeEach(() => {
      unhandled = [];
      process.on('unhandledRejection', onUnhandled);
    });
    afterEach(() => {
      process.off('unhandledRejection', onUnhandled);
    });

    it('rejects finish with ENOSPC from the kernel (/dev/full) instead of waiting forever', async () => {
      const writer = createXlsxWriter('/dev/full', 'integration_failure', 'UTC');
      const outcome = (async () => {
        await writer.write(Array.from({ length: 500 }, (_, i) => failure(i)));
        return writer.finish();
      })();
      await expect(outcome).rejects.toMatchObject({ code: 'ENOSPC' });
      await writer.abort();
      expect(unhandled).toEqual([]);
    });

    it('rejects a write once the disk fills mid-file', async () => {
      const disk = diskWithRoom(30_000);
      const writer = createXlsxWriter(join(dir(), 'full.xlsx'), 'integration_failure', 'UTC', disk.open);
      const page = Array.from({ length: 2000 }, (_, i) => failure(i));
      await expect(
        (async () => {
          for (let i = 0; i < 100; i++) {
            await writer.write(page);
            // The next page comes from Loki: I/O happens meanwhile.
            await new Promise((resolve) => setImmediate(resolve));
          }
          return writer.finish();
        })()
      ).rejects.toMatchObject({ code: 'ENOSPC' });
      await writer.abort();
      expect(unhandled).toEqual([]);
    });
  });
});
