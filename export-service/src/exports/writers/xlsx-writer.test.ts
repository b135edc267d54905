import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subscribe } from 'node:diagnostics_channel';
import { threadId, type Worker } from 'node:worker_threads';
import type { LokiEntry } from '@auditlens/loki';
import { useTempDir } from '../../../test/support/temp-dir';
import { excelSerialToIso, readZipEntries, sheetRows } from '../../../test/support/xlsx-reader';
import { diskWithRoom } from '../../../test/support/full-disk';
import { createXlsxWriter, fitCell, XLSX_MAX_CELL_CHARS, XLSX_TRUNCATION_MARK } from './xlsx-writer';
import type { FromXlsxWorker } from './xlsx-worker';

// exceljs fails on this thread: every file these tests read back was rendered by the writer's worker thread.
jest.mock('exceljs', () => {
  throw new Error('exceljs must not run on the event loop');
});

// A test that starts a worker waits for it to load exceljs (from TypeScript sources here): seconds on a busy machine.
jest.setTimeout(120_000);

// Every worker the writer starts, as node:worker_threads announces it (the writer keeps workers for the next
// file), and the threads that said they rendered a page.
const renderedBy: number[] = [];
const workerIds = new Set<number>();
subscribe('worker_threads', (message) => {
  const worker = (message as { worker: Worker }).worker;
  workerIds.add(worker.threadId);
  worker.on('message', (m: FromXlsxWorker) => {
    if (m.kind === 'written') renderedBy.push(m.threadId);
  });
});

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

  it('renders rows in a worker thread, and a route on the event loop answers while the file grows', async () => {
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
    const rendered = renderedBy.length;
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
      // Every page was rendered by a worker's thread, not this one (where exceljs would throw anyway).
      const threads = renderedBy.slice(rendered);
      expect(threads).toHaveLength(5);
      expect(new Set(threads).size).toBe(1);
      expect(workerIds.has(threads[0]!)).toBe(true);
      expect(threads[0]).not.toBe(threadId);
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

  it('keeps its worker for the next file, and starts another for a file written at the same time', async () => {
    const first = createXlsxWriter(join(dir(), 'a.xlsx'), 'integration_failure', 'UTC');
    await first.write([failure(0)]);
    await first.finish();
    const before = renderedBy.length;
    const second = createXlsxWriter(join(dir(), 'b.xlsx'), 'integration_failure', 'Asia/Tokyo');
    const third = createXlsxWriter(join(dir(), 'c.xlsx'), 'integration_failure', 'UTC');
    await second.write([failure(1)]);
    await third.write([failure(2)]);
    await Promise.all([second.finish(), third.finish()]);
    const [bySecond, byThird] = renderedBy.slice(before);
    expect(bySecond).toBe(renderedBy[before - 1]);
    expect(byThird).not.toBe(bySecond);
    const rows = sheetRows(
      (await readZipEntries(await readFile(join(dir(), 'b.xlsx')))).get('xl/worksheets/sheet1.xml')!
    );
    expect(rows[0]![0]!.value).toBe('When (Asia/Tokyo)');
    expect(rows[1]!.at(-1)!.value).toBe('id-1');
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
    // Text values (exceljs writes `t="str"` with a value), and no formula anywhere: nothing runs as the file opens.
    expect(new Set(cells.map((c) => c.type))).toEqual(new Set(['str']));
    expect(xml).not.toMatch(/<f[ >]/);
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
