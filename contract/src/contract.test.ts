import {
  LOG_TYPES,
  LOG_TYPE_SLUGS,
  logTypeFromSlug,
  lokiFieldName,
  STRUCTURED_METADATA_FIELDS,
  INDEX_LABELS,
  readAction,
  FILTER_FIELDS,
} from './index';

describe('contract', () => {
  it('maps every log type to a unique slug and back', () => {
    const slugs = LOG_TYPES.map((t) => LOG_TYPE_SLUGS[t]);
    expect(new Set(slugs).size).toBe(LOG_TYPES.length);
    for (const t of LOG_TYPES) expect(logTypeFromSlug(LOG_TYPE_SLUGS[t])).toBe(t);
    expect(logTypeFromSlug('webhook_failure')).toBeUndefined();
  });

  it('names Loki fields the way Loki 3.x names OTLP attributes', () => {
    expect(lokiFieldName('user.name')).toBe('user_name');
    expect(lokiFieldName('user_agent.original')).toBe('user_agent_original');
    expect(lokiFieldName('audit.target.id')).toBe('audit_target_id');
  });

  it('keeps the log type out of structured metadata (it is an index label)', () => {
    expect(STRUCTURED_METADATA_FIELDS).not.toContain('audit_log_type');
    for (const label of INDEX_LABELS) expect(STRUCTURED_METADATA_FIELDS).not.toContain(label);
  });

  it('filters only on fields the emitter produces', () => {
    for (const t of LOG_TYPES) {
      for (const f of FILTER_FIELDS[t]) expect(STRUCTURED_METADATA_FIELDS).toContain(f.lokiField);
    }
  });

  it('builds RBAC actions from the plugin id and slug', () => {
    expect(readAction('webhook_failure')).toBe('auditlens-auditlogs-app.webhook-failures:read');
  });
});
