import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  ATTR,
  LOG_TYPES,
  SUMMARY_LABELS,
  TIME_LABEL,
  fieldLabel,
  valueLabel,
  type LogType,
} from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';
import { useTempDir } from '../../../test/support/temp-dir';
import { readZipEntries, sheetRows } from '../../../test/support/xlsx-reader';
import { COLUMNS } from './columns';
import { createCsvWriter } from './csv-writer';
import { createXlsxWriter } from './xlsx-writer';

const T = Date.parse('2026-11-20T10:00:00Z');

function access(i: number, metadata: Record<string, string>): LokiEntry {
  return {
    ts: BigInt(T + i) * 1_000_000n,
    line: `event ${i}`,
    labels: { service_name: 'helpdesk', audit_log_type: 'access' },
    metadata: { audit_event_id: `id-${i}`, user_name: 'omar', ...metadata },
  };
}

/** The 0-based column of a cell reference: A1 → 0, AA7 → 26. */
const columnOf = (ref: string): number =>
  [.../^[A-Z]+/.exec(ref)![0]].reduce((n, letter) => n * 26 + letter.charCodeAt(0) - 64, 0) - 1;

describe('export columns: the app’s words, from the contract', () => {
  const dir = useTempDir('columns-');

  /** The header row and records of a CSV file written for `logType`. */
  async function csv(logType: LogType, entries: readonly LokiEntry[]): Promise<string[][]> {
    const path = join(dir(), `${logType}.csv`);
    const writer = createCsvWriter(path, logType, 'Europe/Paris');
    await writer.write(entries);
    await writer.finish();
    return parse((await readFile(path, 'utf8')).slice(1), { relaxColumnCount: false }) as string[][];
  }

  /** The cell texts of an XLSX file written for `logType`. */
  async function xlsx(logType: LogType, entries: readonly LokiEntry[]): Promise<string[][]> {
    const path = join(dir(), `${logType}.xlsx`);
    const writer = createXlsxWriter(path, logType, 'Europe/Paris');
    await writer.write(entries);
    await writer.finish();
    const rows = sheetRows((await readZipEntries(await readFile(path))).get('xl/worksheets/sheet1.xml')!);
    // Empty cells are not written: each cell goes to its column by its reference (A1, B1, ..., AA1).
    return rows.map((r) => {
      const cells: string[] = [];
      for (const c of r) cells[columnOf(c.ref)] = c.value;
      return Array.from(cells, (v) => v ?? '');
    });
  }

  it('heads every column with the label the app’s table and drawer give it, the same in CSV and XLSX', async () => {
    for (const t of LOG_TYPES) {
      const expected = [
        `${TIME_LABEL} (Europe/Paris)`,
        `${TIME_LABEL} (UTC)`,
        ...COLUMNS[t].map((c) =>
          c.attribute === undefined ? SUMMARY_LABELS[t] : fieldLabel(t, c.attribute)
        ),
      ];
      expect((await csv(t, []))[0]).toEqual(expected);
      expect((await xlsx(t, []))[0]).toEqual(expected);
      // One name per column: a reader of the file never has to guess which "Details" is which.
      expect(new Set(expected.slice(1)).size).toBe(expected.length - 1);
    }
  });

  it('says "Where" and "Action description" in an activity file, as the activity page does', async () => {
    expect((await csv('activity', []))[0]).toEqual([
      'When (Europe/Paris)',
      'When (UTC)',
      'Actor',
      'Email',
      'Where',
      'Category',
      'Action type',
      'Target type',
      'Target ID',
      'Target',
      'Action description',
      'Changes',
      'Brand',
      'Outcome',
      'Event ID',
    ]);
  });

  it('writes actions, outcomes, portals and login sources as their labels, and other values as they are', async () => {
    const entries = [
      access(0, {
        audit_action: 'login_failed',
        audit_outcome: 'failure',
        audit_portal: 'agent',
        audit_login_source: 'google',
      }),
      access(1, {
        audit_action: 'impersonation_start',
        audit_outcome: 'success',
        audit_portal: 'customer',
        audit_login_source: 'okta',
      }),
    ];
    const header = (await csv('access', []))[0]!;
    const pick = (row: string[]) =>
      Object.fromEntries(
        ['Action', 'Outcome', 'Portal', 'Login source', 'Username'].map((h) => [h, row[header.indexOf(h)]])
      );
    for (const rows of [await csv('access', entries), await xlsx('access', entries)]) {
      expect(rows.slice(1).map(pick)).toEqual([
        {
          Action: 'Failed login',
          Outcome: 'Failure',
          Portal: 'Agent',
          'Login source': 'Google',
          Username: 'omar',
        },
        {
          Action: 'Impersonation started',
          Outcome: 'Success',
          Portal: 'Customer',
          'Login source': 'okta',
          Username: 'omar',
        },
      ]);
    }
    expect(valueLabel(ATTR.action, 'login_failed')).toBe('Failed login');
  });
});
