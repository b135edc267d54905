import { ATTR, lokiFieldName, type AuditRow } from '@auditlens/contract';
import { labelledFields, rawFields } from './eventFields';

const f = lokiFieldName;
const access: AuditRow = {
  id: 'evt-1',
  timestamp: '1',
  time: '2026-11-01T10:00:00.000Z',
  logType: 'access',
  summary: 'jane failed to log in',
  fields: {
    [f(ATTR.eventId)]: 'evt-1',
    [f(ATTR.userName)]: 'jane',
    [f(ATTR.clientAddress)]: '203.0.113.7',
    [f(ATTR.action)]: 'login_failed',
    [f(ATTR.userAgent)]: 'Firefox',
    [f(ATTR.portal)]: '',
    [f(ATTR.outcome)]: 'failure',
    detected_level: 'warn',
  },
};

describe('an event’s fields', () => {
  it('reads as the table does: the columns first, labelled, then the other attributes; no empties', () => {
    expect(labelledFields(access).map((x) => [x.label, x.value])).toEqual([
      ['Username', 'jane'],
      ['IP address', '203.0.113.7'],
      ['Action', 'Failed login'],
      ['Outcome', 'Failure'],
      ['User agent', 'Firefox'],
    ]);
  });

  it('keeps Loki’s raw names for “All fields”, Loki’s own too, without the id shown above', () => {
    expect(rawFields(access).map(([name]) => name)).toEqual([
      'audit_action',
      'audit_outcome',
      'audit_portal',
      'client_address',
      'detected_level',
      'user_agent_original',
      'user_name',
    ]);
  });
});
