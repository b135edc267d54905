import { DataFrameType, FieldType } from '@grafana/data';
import type { AuditRow } from '@auditlens/contract';
import { countsFrames, totalsOf } from './counts';
import { facetValuesOf, facetsFrame, isExact } from './facets';
import { recordsFrame, recordsOf } from './records';
import { nextCursorOf, rowsFrame, rowsOf } from './rows';

const HOUR = 3_600_000;

describe('counts frames', () => {
  it('puts every series on one bucket per step across the range, zeros where nothing happened', () => {
    const from = Date.UTC(2026, 0, 1, 0, 30);
    const to = from + 4 * HOUR;
    const frames = countsFrames(
      {
        by: 'outcome',
        step: 3600,
        series: [
          {
            name: 'success',
            points: [
              [Date.UTC(2026, 0, 1, 1), 5],
              [Date.UTC(2026, 0, 1, 3), 2],
            ],
          },
          { name: 'failure', points: [[Date.UTC(2026, 0, 1, 2), 1]] },
        ],
      },
      from,
      to
    );
    expect(frames.map((f) => f.name)).toEqual(['success', 'failure']);
    const [success, failure] = frames;
    // Buckets keep the service's phase (on the hour) and cover [from, to): 00:00 (partly in range) to 04:00.
    expect(success!.fields[0]!.values).toEqual([0, 1, 2, 3, 4].map((h) => Date.UTC(2026, 0, 1, h)));
    expect(success!.fields[0]!.type).toBe(FieldType.time);
    expect(success!.fields[1]!.values).toEqual([0, 5, 0, 2, 0]);
    expect(failure!.fields[1]!.values).toEqual([0, 0, 1, 0, 0]);
    expect(failure!.fields[1]!.config.displayNameFromDS).toBe('failure');
    expect(failure!.fields[1]!.labels).toEqual({ outcome: 'failure' });
    expect(success!.meta?.type).toBe(DataFrameType.TimeSeriesMulti);
    expect(totalsOf(frames)).toEqual([
      { name: 'success', total: 7 },
      { name: 'failure', total: 1 },
    ]);
  });

  it('has no frames when nothing happened', () => {
    expect(countsFrames({ by: 'action', step: 60, series: [] }, 0, 600_000)).toEqual([]);
  });
});

describe('rows frames', () => {
  const row = (i: number): AuditRow => ({
    id: `e-${i}`,
    timestamp: `${1_700_000_000_000 + i}123456`,
    time: new Date(1_700_000_000_000 + i).toISOString(),
    logType: 'access',
    summary: `event ${i}`,
    fields: { user_name: 'jane', audit_event_id: `e-${i}` },
  });

  it('carries events as Grafana logs data plane and gives them back unchanged', () => {
    const rows = [row(1), row(2)];
    const frame = rowsFrame('access', rows, 'cursor-2');
    expect(frame.meta?.type).toBe(DataFrameType.LogLines);
    expect(frame.fields.map((f) => f.name)).toEqual(['timestamp', 'body', 'id', 'labels', 'tsNs']);
    expect(rowsOf(frame)).toEqual(rows);
    expect(nextCursorOf(frame)).toBe('cursor-2');
    expect(nextCursorOf(rowsFrame('access', [], null))).toBeNull();
    expect(rowsOf(undefined)).toEqual([]);
  });
});

describe('facet and record frames', () => {
  it('keeps suggestions apart from counts', () => {
    const frame = facetsFrame('user', [{ value: 'jane', count: 3 }, { value: 'omar' }], false);
    expect(facetValuesOf(frame)).toEqual([{ value: 'jane', count: 3 }, { value: 'omar' }]);
    expect(isExact(frame)).toBe(false);
    expect(isExact(facetsFrame('user', [], true))).toBe(true);
  });

  it('reads records back with their optional and null fields', () => {
    const records = [
      { id: 'a', rows: 5, estimatedRows: 10, error: null },
      { id: 'b', rows: 0, estimatedRows: undefined, error: 'x' },
    ];
    const frame = recordsFrame('exports', records, ['id', 'rows', 'estimatedRows', 'error']);
    expect(frame.length).toBe(2);
    expect(recordsOf(frame)).toEqual(records);
    expect(recordsOf(recordsFrame('exports', [], ['id']))).toEqual([]);
  });
});
