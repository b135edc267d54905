import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { threadId, type Worker } from 'node:worker_threads';
import type { LokiEntry } from '../loki/types';
import { useTempDir } from '../../test/support/temp-dir';
import { excelSerialToIso, readZipEntries, sheetRows } from '../../test/support/xlsx-reader';
import { diskWithRoom } from '../../test/support/full-disk';
import { createXlsxWriter, fitCell, XLSX_MAX_CELL_CHARS, XLSX_TRUNCATION_MARK } from './xlsx-writer';
import type { FromXlsxWorker } from './xlsx-worker';

// exceljs fails on this thread: every file these tests read back was rendered by the writer's worker thread.
jest.mock('exceljs', () => {
  throw new Error('exceljs must not run on the event loop');
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
      'Time (Asia/Tokyo)',
      'Time (UTC)',
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

  it('renders rows in a worker thread, and a route on the event loop answers between the chunks it sends', async () => {
    // The writer's worker, as node:worker_threads announces it, and what it tells the writer.
    const workers: Worker[] = [];
    const renderedBy: number[] = [];
    let chunks = 0;
    const onWorker = (message: unknown) => {
      const worker = (message as { worker: Worker }).worker;
      workers.push(worker);
      worker.on('message', (m: FromXlsxWorker) => {
        if (m.kind === 'chunk') chunks += 1;
        if (m.kind === 'written') renderedBy.push(m.threadId);
      });
    };
    subscribe('worker_threads', onWorker);
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
      // how many chunks of the file had arrived.
      let writing = true;
      const answeredAt: number[] = [];
      const asking = (async () => {
        while (writing) {
          expect(await route()).toBe('ok');
          answeredAt.push(chunks);
        }
      })();
      for (let p = 0; p < 5; p++) await writer.write(page(p));
      await writer.finish();
      writing = false;
      await asking;
      expect(workers).toHaveLength(1);
      // Every page was rendered by the worker's thread, not this one (where exceljs would throw anyway).
      expect(renderedBy).toEqual(Array.from({ length: 5 }, () => workers[0]!.threadId));
      expect(renderedBy).not.toContain(threadId);
      // The route answered between chunks, at many points of the file.
      expect(chunks).toBeGreaterThan(3);
      expect(new Set(answeredAt.filter((n) => n > 0 && n < chunks)).size).toBeGreaterThanOrEqual(3);
      const rows = sheetRows((await readZipEntries(await readFile(path))).get('xl/worksheets/sheet1.xml')!);
      expect(rows).toHaveLength(1 + 20_000);
      expect(rows.at(-1)!.at(-1)!.value).toBe('id-19999');
    } finally {
      await writer.abort();
      unsubscribe('worker_threads', onWorker);
      await new Promise((resolve) => server.close(resolve));
    }
  }, 120_000);

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
