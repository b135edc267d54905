import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LokiEntry } from '../loki/types';
import { useTempDir } from '../test-support/temp-dir';
import { excelSerialToIso, readZipEntries, sheetRows } from '../test-support/xlsx-reader';
import { createXlsxWriter } from './xlsx-writer';

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
});
