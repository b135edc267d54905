import {
  LOG_TYPES,
  LOG_TYPE_SLUGS,
  logTypeFromSlug,
  lokiFieldName,
  STRUCTURED_METADATA_FIELDS,
  INDEX_LABELS,
  readAction,
  FILTER_FIELDS,
  PROXY_ROUTE_TABLE,
  EXPORT_ACTION,
  ATTR,
  FIELD_LABELS,
  LOG_TYPE_FIELD_LABELS,
  fieldLabel,
  attributeOfLokiField,
  ACCESS_ACTIONS,
  ACTIVITY_ACTIONS,
  OUTCOMES,
  PORTALS,
  SUMMARY_LABELS,
  TIME_LABEL,
  VALUE_LABELS,
  valueLabel,
  type AttributeName,
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

  it('gives every proxy route a /* sibling right after it, with the same reqAction and target', () => {
    const parents = PROXY_ROUTE_TABLE.filter((r) => !r.path.endsWith('/*') && r.path !== 'health');
    for (const parent of parents) {
      const i = PROXY_ROUTE_TABLE.indexOf(parent);
      expect(PROXY_ROUTE_TABLE[i + 1]).toEqual({ ...parent, path: `${parent.path}/*` });
    }
    for (const t of LOG_TYPES) {
      const own = PROXY_ROUTE_TABLE.filter((r) => r.servicePath === `/api/v1/logs/${LOG_TYPE_SLUGS[t]}`);
      expect(own.map((r) => r.reqAction)).toEqual([readAction(t), readAction(t)]);
    }
    expect(PROXY_ROUTE_TABLE.filter((r) => r.reqAction === EXPORT_ACTION).map((r) => r.servicePath)).toEqual([
      '/api/v1/exports',
      '/api/v1/exports',
    ]);
  });

  it("labels every attribute for people, with the seed products' words where a log type has its own", () => {
    for (const attribute of Object.values(ATTR)) expect(FIELD_LABELS[attribute]).toMatch(/^[A-Z][A-Za-z ]+$/);
    expect(fieldLabel('access', ATTR.clientAddress)).toBe('IP address');
    expect(fieldLabel('access', ATTR.userName)).toBe('Username');
    expect(fieldLabel('activity', ATTR.userName)).toBe('Actor');
    expect(fieldLabel('webhook_failure', ATTR.userName)).toBe('User');
    // An override never names a field the way another field of the same type is named.
    for (const t of LOG_TYPES) {
      const labels = Object.values(ATTR).map((a) => fieldLabel(t, a));
      expect(new Set(labels).size).toBe(labels.length);
      for (const a of Object.keys(LOG_TYPE_FIELD_LABELS[t])) expect(Object.values(ATTR)).toContain(a);
    }
  });

  it('labels every value of the attributes with a known set, once, and shows other values as they are', () => {
    const sets: Array<readonly [string, readonly string[]]> = [
      [ATTR.action, [...ACCESS_ACTIONS, ...ACTIVITY_ACTIONS]],
      [ATTR.outcome, OUTCOMES],
      [ATTR.portal, PORTALS],
    ];
    for (const [attribute, values] of sets) {
      const labels = values.map((v) => valueLabel(attribute as AttributeName, v));
      for (const [i, label] of labels.entries())
        expect(`${values[i]}: ${label}`).toMatch(/: [A-Z][A-Za-z ]+$/);
      expect(new Set(labels).size).toBe(values.length);
      expect(Object.keys(VALUE_LABELS[attribute as keyof typeof VALUE_LABELS]).sort()).toEqual(
        [...values].sort()
      );
    }
    expect(valueLabel(ATTR.action, 'login_failed')).toBe('Failed login');
    expect(valueLabel(ATTR.loginSource, 'saml')).toBe('SAML');
    expect(valueLabel(ATTR.loginSource, 'okta')).toBe('okta');
    expect(valueLabel(ATTR.userName, 'login_failed')).toBe('login_failed');
    // Only the labels' own keys: a value named like an Object property is shown as it is.
    expect(valueLabel(ATTR.outcome, 'constructor')).toBe('constructor');
  });

  it('names the summary of each log type unlike any of its fields', () => {
    for (const t of LOG_TYPES) {
      const fields = Object.values(ATTR).map((a) => fieldLabel(t, a));
      expect(fields).not.toContain(SUMMARY_LABELS[t]);
      expect(fields).not.toContain(TIME_LABEL);
    }
  });

  it("finds the attribute behind a Loki field name, and nothing for Loki's own fields", () => {
    expect(attributeOfLokiField('client_address')).toBe(ATTR.clientAddress);
    expect(attributeOfLokiField('audit_event_id')).toBe(ATTR.eventId);
    expect(attributeOfLokiField('detected_level')).toBeUndefined();
  });
});
