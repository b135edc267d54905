import { parser } from '@grafana/lezer-logql';
import { FILTER_FIELDS, LOG_TYPES, type LogType } from '@auditlens/contract';
import { buildCountQuery, buildLogQuery, InvalidFieldError, quoteLogQL } from './logql';

/** Parses with Grafana's own LogQL grammar; returns the string literals, failing on any syntax error. */
function parseLogQL(query: string): { strings: string[] } {
  const tree = parser.parse(query);
  const strings: string[] = [];
  let errors = 0;
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors += 1;
      if (node.name === 'String') strings.push(query.slice(node.from, node.to));
    },
  });
  if (errors > 0) throw new Error(`LogQL does not parse: ${query}`);
  // LogQL unquotes double-quoted strings with Go's rules; for the escapes quoteLogQL writes they equal JSON's.
  return { strings: strings.map((s) => JSON.parse(s) as string) };
}

const HOSTILE = [
  'bob"} | user_name=~".+',
  'a\\"b',
  'back\\slash\\',
  'pipe | line_format "{{.x}}"',
  'brace } {service_name="x"}',
  'new\nline\rcarriage\ttab',
  '`backtick`',
  '(?i).* [a-z]+ $^',
  'nul\u0000bell\u0007del\u007f',
  'ünïcødé ☃ 🔥',
];

describe('buildLogQuery', () => {
  it('selects the log type from the caller, never from filters', () => {
    expect(buildLogQuery('access')).toBe('{audit_log_type="access"}');
    expect(buildLogQuery('webhook_failure', {}, { serviceName: 'helpdesk' })).toBe(
      '{service_name="helpdesk", audit_log_type="webhook_failure"}'
    );
  });

  it('matches each filter exactly on its structured-metadata field', () => {
    expect(buildLogQuery('access', { user: 'jane', portal: 'agent', ip: '203.0.113.7' })).toBe(
      '{audit_log_type="access"} | user_name="jane" | audit_portal="agent" | client_address="203.0.113.7"'
    );
  });

  it('leaves out keys that are not filters of the log type, and empty values', () => {
    expect(buildLogQuery('webhook_failure', { user: 'x', portal: 'y', webhook: '', q: '' })).toBe(
      '{audit_log_type="webhook_failure"}'
    );
  });

  describe.each(LOG_TYPES)('%s: hostile values in every filter stay literal', (logType: LogType) => {
    const keys = [...FILTER_FIELDS[logType].map((f) => f.key)];
    it.each(HOSTILE)('value %j', (value) => {
      for (const key of keys) {
        const query = buildLogQuery(logType, { [key]: value });
        const { strings } = parseLogQL(query);
        expect(strings).toEqual([logType, value]);
      }
      const text = buildLogQuery(logType, { q: value });
      const { strings } = parseLogQL(text);
      const pattern = strings[1]!;
      expect(pattern.startsWith('(?i)')).toBe(true);
      const re = new RegExp(pattern.slice(4), 'iu');
      expect(re.test(`before ${value} after`)).toBe(true);
      expect(re.test(value.slice(1))).toBe(value.length <= 1 || value.slice(1).includes(value));
    });
  });
});

describe('the LogQL grammar check itself', () => {
  it('fails on what an unescaped value would produce', () => {
    expect(() => parseLogQL('{audit_log_type="access"} | user_name="bob"} | x="')).toThrow(/does not parse/);
    expect(() => parseLogQL('{audit_log_type="access"} | user_name="a\nb"')).toThrow(/does not parse/);
    expect(parseLogQL('{audit_log_type="access"} | user_name="a\\nb"').strings).toEqual(['access', 'a\nb']);
  });
});

describe('quoteLogQL', () => {
  it('escapes quotes, backslashes and control characters only', () => {
    expect(quoteLogQL('a"b\\c\nd|}')).toBe('"a\\"b\\\\c\\nd|}"');
  });
});

describe('buildCountQuery', () => {
  it('builds a metric query that parses', () => {
    const q = buildCountQuery(buildLogQuery('access', { user: 'bob' }), 'audit_action', 300_000n);
    expect(q).toBe(
      'sum by (audit_action) (count_over_time({audit_log_type="access"} | user_name="bob" [300s]))'
    );
    expect(parseLogQL(q).strings).toEqual(['access', 'bob']);
  });

  it('writes ranges that are not whole seconds in milliseconds, and counts everything without a field', () => {
    const q = buildCountQuery(buildLogQuery('access'), undefined, 2_595_600_001n);
    expect(q).toBe('sum (count_over_time({audit_log_type="access"} [2595600001ms]))');
    expect(parseLogQL(q).strings).toEqual(['access']);
  });

  it('splits by several fields at once', () => {
    const q = buildCountQuery(buildLogQuery('access'), ['audit_action', 'audit_portal'], 60_000n);
    expect(q).toBe('sum by (audit_action, audit_portal) (count_over_time({audit_log_type="access"} [60s]))');
    expect(parseLogQL(q).strings).toEqual(['access']);
  });

  it('refuses a field that is not a plain name', () => {
    expect(() => buildCountQuery('{a="b"}', 'x) or vector(1', 60_000n)).toThrow(InvalidFieldError);
    expect(() => buildCountQuery('{a="b"}', ['audit_action', 'x) or vector(1'], 60_000n)).toThrow(
      InvalidFieldError
    );
  });
});
