import { LOKI_ADDED_METADATA } from '@auditlens/contract';
import { toAuditRow } from './rows';

describe('toAuditRow', () => {
  const ts = BigInt(Date.parse('2026-11-20T10:00:00.123Z')) * 1_000_000n + 456n;
  const loki = Object.fromEntries(LOKI_ADDED_METADATA.map((name) => [name, `loki-${name}`]));

  it("keeps the event's own fields and its service, and leaves out every field Loki adds", () => {
    const row = toAuditRow(
      {
        ts,
        line: 'jane logged in',
        labels: { service_name: 'helpdesk', audit_log_type: 'access' },
        metadata: { ...loki, audit_event_id: 'e1', user_name: 'jane', audit_action: 'login' },
      },
      'access'
    );
    expect(row).toEqual({
      id: 'e1',
      timestamp: String(ts),
      time: '2026-11-20T10:00:00.123Z',
      logType: 'access',
      summary: 'jane logged in',
      fields: { audit_event_id: 'e1', user_name: 'jane', audit_action: 'login', service_name: 'helpdesk' },
    });
  });

  it('is identified by its timestamp when it carries no event id', () => {
    const row = toAuditRow({ ts, line: 'x', labels: {}, metadata: {} }, 'activity');
    expect(row.id).toBe(String(ts));
    expect(row.fields).toEqual({});
  });
});
