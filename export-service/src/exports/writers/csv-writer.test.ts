import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LokiEntry } from '@auditlens/loki';
import { diskWithRoom } from '../../../test/support/full-disk';
import { useTempDir } from '../../../test/support/temp-dir';
import { createCsvWriter } from './csv-writer';

const labels = { service_name: 'helpdesk', audit_log_type: 'webhook_failure' };
const at = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

function failure(i: number, metadata: Record<string, string> = {}): LokiEntry {
  return {
    ts: at('2026-11-20T10:00:00Z') + BigInt(i) * 1_000_000n,
    line: `delivery ${i} failed`,
    labels,
    metadata: {
      audit_webhook_name: `hook-${i}`,
      url_full: 'https://hooks.acme.test/x?token=REDACTED',
      http_request_method: 'POST',
      http_response_status_code: '502',
      audit_attempt: '3',
      audit_event_id: `id-${i}`,
      ...metadata,
    },
  };
}

describe('CSV writer', () => {
  const dir = useTempDir('csv-writer-');

  it('writes a BOM, a header and one CRLF record per entry across chunks, in order', async () => {
    const path = join(dir(), 'out.csv');
    const writer = createCsvWriter(path, 'webhook_failure', 'Asia/Kolkata');
    const entries = Array.from({ length: 600 }, (_, i) => failure(i));
    await writer.write(entries.slice(0, 300));
    await writer.write(entries.slice(300));
    const bytes = await writer.finish();
    const text = await readFile(path, 'utf8');
    expect(Buffer.byteLength(text)).toBe(bytes);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const records = text.slice(1).split('\r\n');
    expect(records.pop()).toBe('');
    expect(records[0]).toBe(
      'When (Asia/Kolkata),When (UTC),Webhook,URL,Method,HTTP status,Error,Attempt,Brand,Summary,Event ID'
    );
    expect(records).toHaveLength(601);
    expect(records[1]).toBe(
      '2026-11-20 15:30:00.000,2026-11-20T10:00:00.000Z,hook-0,https://hooks.acme.test/x?token=REDACTED,POST,502,,3,,delivery 0 failed,id-0'
    );
    expect(records.slice(1).map((r) => r.split(',').at(-1))).toEqual(entries.map((_, i) => `id-${i}`));
  });

  it('quotes cells with quotes, commas and lone line breaks, and neutralises formulas', async () => {
    const path = join(dir(), 'tricky.csv');
    const writer = createCsvWriter(path, 'webhook_failure', 'UTC');
    await writer.write([
      failure(0, {
        audit_webhook_name: '=HYPERLINK("http://evil.test")',
        error_message: 'first\nsecond',
        audit_brand: '\rcarriage',
      }),
      failure(1, { error_message: 'a, b and "c"', http_response_status_code: '-1' }),
      failure(2, { audit_webhook_name: '＝HYPERLINK("http://evil.test")', error_message: '＠SUM(1)' }),
    ]);
    await writer.finish();
    const records = (await readFile(path, 'utf8')).slice(1).split('\r\n');
    expect(records[1]).toBe(
      `2026-11-20 10:00:00.000,2026-11-20T10:00:00.000Z,"'=HYPERLINK(""http://evil.test"")",https://hooks.acme.test/x?token=REDACTED,POST,502,"first\nsecond",3,"'\rcarriage",delivery 0 failed,id-0`
    );
    expect(records[2]).toBe(
      `2026-11-20 10:00:00.001,2026-11-20T10:00:00.001Z,hook-1,https://hooks.acme.test/x?token=REDACTED,POST,'-1,"a, b and ""c""",3,,delivery 1 failed,id-1`
    );
    // The full-width forms, which some spreadsheet programs also take for the start of a formula.
    expect(records[3]).toBe(
      `2026-11-20 10:00:00.002,2026-11-20T10:00:00.002Z,"'＝HYPERLINK(""http://evil.test"")",https://hooks.acme.test/x?token=REDACTED,POST,502,'＠SUM(1),3,,delivery 2 failed,id-2`
    );
  });

  it('writes only the BOM and the header for an empty export', async () => {
    const path = join(dir(), 'empty.csv');
    const writer = createCsvWriter(path, 'integration_failure', 'UTC');
    await writer.finish();
    expect(await readFile(path, 'utf8')).toBe(
      '\uFEFFWhen (UTC),When (UTC),Integration,Integration type,Failure type,Details,Brand,Summary,Event ID\r\n'
    );
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

    it('rejects with ENOSPC from the kernel (/dev/full), with nothing left unhandled', async () => {
      const writer = createCsvWriter('/dev/full', 'webhook_failure', 'UTC');
      const page = Array.from({ length: 300 }, (_, i) => failure(i));
      // The first write is only queued; its failure surfaces at the next wait at the latest.
      const outcome = (async () => {
        await writer.write(page);
        await writer.write(page);
        return writer.finish();
      })();
      await expect(outcome).rejects.toMatchObject({ code: 'ENOSPC' });
      await writer.abort();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    });

    it('rejects when the disk fills mid-file, and abort releases the file', async () => {
      const disk = diskWithRoom(20_000);
      const path = join(dir(), 'full.csv');
      const writer = createCsvWriter(path, 'webhook_failure', 'UTC', disk.open);
      const page = Array.from({ length: 100 }, (_, i) => failure(i));
      let pages = 0;
      await expect(
        (async () => {
          for (let i = 0; i < 1000; i++) {
            await writer.write(page);
            pages++;
            // The next page comes from Loki: I/O happens meanwhile.
            await new Promise((resolve) => setImmediate(resolve));
          }
        })()
      ).rejects.toMatchObject({ code: 'ENOSPC', syscall: 'write' });
      expect(pages).toBeGreaterThan(0);
      await expect(writer.finish()).rejects.toMatchObject({ code: 'ENOSPC' });
      await writer.abort();
      expect(await readdir(dir())).toEqual(['full.csv']);
      expect(unhandled).toEqual([]);
    });
  });
});
