import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXPORT_FORMATS } from '@auditlens/contract';
import { useTempDir } from '../../../test/support/temp-dir';
import { readZipEntries } from '../../../test/support/xlsx-reader';
import { EXPORT_FORMAT_SPECS, exportFileName } from './formats';

const entry = {
  ts: BigInt(Date.parse('2026-11-20T10:00:00Z')) * 1_000_000n,
  line: 'jane@acme.test logged in',
  labels: { service_name: 'helpdesk', audit_log_type: 'access' },
  metadata: { user_name: 'jane', audit_event_id: 'id-1' },
};

describe('export formats', () => {
  const dir = useTempDir('export-formats-');

  it('has a spec for every format of the contract', () => {
    expect(Object.keys(EXPORT_FORMAT_SPECS).sort()).toEqual([...EXPORT_FORMATS].sort());
  });

  it('names a file after its log type, the start of its job id and its format', () => {
    const id = '0190c2a8-7f3e-7a00-8000-000000000001';
    expect(exportFileName({ id, logType: 'access', format: 'csv' })).toBe('auditlens-access-0190c2a8.csv');
    expect(exportFileName({ id, logType: 'webhook_failure', format: 'xlsx' })).toBe(
      'auditlens-webhook_failure-0190c2a8.xlsx'
    );
  });

  it('writes CSV with the CSV writer and XLSX with the XLSX writer', async () => {
    const csvPath = join(dir(), 'out.csv');
    const csv = EXPORT_FORMAT_SPECS.csv.createWriter(csvPath, 'access', 'UTC');
    await csv.write([entry]);
    await csv.finish();
    const text = await readFile(csvPath, 'utf8');
    expect(text.startsWith('\uFEFFWhen (UTC),When (UTC),Username')).toBe(true);
    expect(EXPORT_FORMAT_SPECS.csv.contentType).toBe('text/csv; charset=utf-8');

    const xlsxPath = join(dir(), 'out.xlsx');
    const xlsx = EXPORT_FORMAT_SPECS.xlsx.createWriter(xlsxPath, 'access', 'UTC');
    await xlsx.write([entry]);
    await xlsx.finish();
    const parts = await readZipEntries(await readFile(xlsxPath));
    expect(parts.has('xl/worksheets/sheet1.xml')).toBe(true);
    expect(EXPORT_FORMAT_SPECS.xlsx.contentType).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    );
  });
});
