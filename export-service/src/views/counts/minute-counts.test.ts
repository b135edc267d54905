import type { LokiEntry } from '@auditlens/loki';
import { countMinutes, minuteOf } from './minute-counts';
import { grainSpans } from './kept-counts';
import { GRAIN_MINUTES } from './counts-store';

const MINUTE = 60_000_000_000n;
const entry = (ts: bigint, metadata: Record<string, string>): LokiEntry => ({
  ts,
  line: 'x',
  labels: { service_name: 'helpdesk', audit_log_type: 'access' },
  metadata,
});

describe('countMinutes', () => {
  it('counts each field per minute, action and value, keeps events on a minute apart, and every minute of the batch', () => {
    const m0 = 29_000_000n * MINUTE;
    const counts = countMinutes({
      logType: 'access',
      fromNs: m0,
      toNs: m0 + 3n * MINUTE,
      entries: [
        entry(m0, { audit_action: 'login', user_name: 'jane' }),
        entry(m0 + 5n, { audit_action: 'login', user_name: 'jane', audit_portal: 'agent' }),
        entry(m0 + MINUTE, { audit_action: 'logout', user_name: 'bob' }),
        // Outside the batch: counted by the batch that holds it.
        entry(m0 + 3n * MINUTE, { audit_action: 'login', user_name: 'late' }),
      ],
    });
    expect(counts.fromMinute).toBe(29_000_000);
    expect([...counts.events]).toEqual([
      [29_000_000, 2],
      [29_000_001, 1],
      [29_000_002, 0],
    ]);
    const user = counts.rows.filter((r) => r.field === 'user_name');
    // A field of many values is also counted over all actions ('*'), what a dropdown without an action filter reads.
    expect(user).toEqual([
      { period: 29_000_000, field: 'user_name', action: 'login', value: 'jane', n: 2, atStart: 1 },
      { period: 29_000_000, field: 'user_name', action: '*', value: 'jane', n: 2, atStart: 1 },
      { period: 29_000_001, field: 'user_name', action: 'logout', value: 'bob', n: 1, atStart: 1 },
      { period: 29_000_001, field: 'user_name', action: '*', value: 'bob', n: 1, atStart: 1 },
    ]);
    // Events without a field are counted under '' (Loki's series without the label); a field of few values is
    // counted per action only.
    expect(counts.rows.filter((r) => r.field === 'audit_portal')).toEqual([
      { period: 29_000_000, field: 'audit_portal', action: 'login', value: '', n: 1, atStart: 1 },
      { period: 29_000_000, field: 'audit_portal', action: 'login', value: 'agent', n: 1, atStart: 0 },
      { period: 29_000_001, field: 'audit_portal', action: 'logout', value: '', n: 1, atStart: 1 },
    ]);
  });

  it('rounds times before 1970 down too', () => {
    expect(minuteOf(-1n)).toBe(-1);
    expect(minuteOf(MINUTE - 1n)).toBe(0);
  });
});

describe('grainSpans', () => {
  it.each([
    [0, 1440 * 3],
    [17, 1440 * 2 + 61],
    [59, 61],
    [1439, 1441],
    [125, 170],
    [60, 1440],
    [3, 4],
    [23, 37],
    [20, 1460],
  ])('cuts [%i, %i) into aligned minutes, hours and days without gap or overlap', (from, to) => {
    const spans = grainSpans(from, to);
    let t = from;
    for (const s of spans) {
      expect(s.from).toBe(t);
      expect(s.from % GRAIN_MINUTES[s.grain]).toBe(0);
      expect(s.to % GRAIN_MINUTES[s.grain] === 0 || s.to === to).toBe(true);
      expect(s.to).toBeGreaterThan(s.from);
      t = s.to;
    }
    expect(t).toBe(to);
  });

  it('uses days where whole days fit, so a month is a few dozen periods', () => {
    const spans = grainSpans(17, 30 * 1440 + 17);
    expect(spans.filter((s) => s.grain === 'd')).toEqual([{ grain: 'd', from: 1440, to: 30 * 1440 }]);
    expect(spans.map((s) => s.grain)).toEqual(['m', 't', 'h', 'd', 't', 'm']);
  });
});
