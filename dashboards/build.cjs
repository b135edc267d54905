// Builds the AuditLens Grafana dashboards (one per log type and an overview) from the contract's names,
// so that labels and fields in their LogQL can never drift from what the emitter sends.
// `node dashboards/build.cjs` rewrites the JSON files; a test checks they are up to date.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const {
  FILTER_FIELDS,
  LOG_TYPES,
  LOG_TYPE_SLUGS,
  LOG_TYPE_TITLES,
  ATTR,
  lokiFieldName,
} = require('@auditlens/contract');

const DS = { type: 'loki', uid: '${datasource}' };
const f = (attr) => lokiFieldName(attr);

function selector(logType) {
  return `{service_name=~"$service", audit_log_type="${logType}"}`;
}

function filters(logType) {
  return FILTER_FIELDS[logType].map((field) => ` | ${field.lokiField}=~"$${field.key}"`).join('');
}

function logQuery(logType) {
  return `${selector(logType)}${filters(logType)} |~ "(?i)$search"`;
}

let nextId = 1;
function panel(type, title, gridPos, targets, extra = {}) {
  return {
    id: nextId++,
    type,
    title,
    datasource: DS,
    gridPos,
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: DS, ...t })),
    ...extra,
  };
}

function volumePanel(logType, by, y) {
  return panel(
    'timeseries',
    `Events over time by ${by.label}`,
    { x: 0, y, w: 24, h: 8 },
    [
      {
        expr: `sum by (${by.field}) (count_over_time(${logQuery(logType)} [$__auto]))`,
        legendFormat: `{{${by.field}}}`,
        queryType: 'range',
      },
    ],
    {
      fieldConfig: {
        defaults: { custom: { drawStyle: 'bars', stacking: { mode: 'normal' } } },
        overrides: [],
      },
    }
  );
}

function breakdownPanel(logType, label, field, x, y) {
  return panel(
    'barchart',
    `Top ${label}`,
    { x, y, w: 8, h: 8 },
    [
      {
        expr: `topk(10, sum by (${field}) (count_over_time(${logQuery(logType)} [$__range])))`,
        legendFormat: `{{${field}}}`,
        queryType: 'instant',
        format: 'table',
      },
    ],
    { options: { orientation: 'horizontal', xField: field } }
  );
}

function logsPanel(logType, y) {
  return panel(
    'logs',
    'Events',
    { x: 0, y, w: 24, h: 14 },
    [{ expr: logQuery(logType), queryType: 'range' }],
    {
      options: { showTime: true, wrapLogMessage: true, sortOrder: 'Descending', enableLogDetails: true },
    }
  );
}

function variables(logType) {
  const list = [
    { name: 'datasource', label: 'Loki', type: 'datasource', query: 'loki', current: {}, hide: 0 },
    {
      name: 'service',
      label: 'Service',
      type: 'query',
      datasource: DS,
      query: { label: 'service_name', type: 1, stream: '' },
      includeAll: true,
      allValue: '.+',
      current: { text: 'All', value: '$__all' },
      refresh: 2,
    },
  ];
  for (const field of logType ? FILTER_FIELDS[logType] : []) {
    list.push({
      name: field.key,
      label: field.label,
      type: 'textbox',
      query: '.*',
      current: { text: '.*', value: '.*' },
    });
  }
  if (logType)
    list.push({
      name: 'search',
      label: 'Contains',
      type: 'textbox',
      query: '',
      current: { text: '', value: '' },
    });
  return { list };
}

function dashboard(uid, title, panels, logType) {
  return {
    uid,
    title,
    tags: ['auditlens', 'audit'],
    timezone: 'browser',
    editable: false,
    schemaVersion: 41,
    time: { from: 'now-24h', to: 'now' },
    refresh: '1m',
    templating: variables(logType),
    annotations: { list: [] },
    links: [
      {
        title: 'AuditLens app',
        type: 'link',
        url: `/a/auditlens-auditlogs-app/${logType ? LOG_TYPE_SLUGS[logType] : 'overview'}`,
        targetBlank: false,
      },
    ],
    panels,
  };
}

const BREAKDOWNS = {
  activity: [
    ['categories', f(ATTR.category)],
    ['actors', f(ATTR.userName)],
    ['brands', f(ATTR.brand)],
  ],
  access: [
    ['users', f(ATTR.userName)],
    ['IP addresses', f(ATTR.clientAddress)],
    ['login sources', f(ATTR.loginSource)],
    ['portals', f(ATTR.portal)],
    ['brands', f(ATTR.brand)],
    ['actions', f(ATTR.action)],
  ],
  webhook_failure: [
    ['webhooks', f(ATTR.webhookName)],
    ['HTTP statuses', f(ATTR.httpStatus)],
    ['errors', f(ATTR.errorType)],
  ],
  integration_failure: [
    ['integrations', f(ATTR.integrationName)],
    ['integration types', f(ATTR.integrationType)],
    ['failure types', f(ATTR.failureType)],
  ],
};

const SPLIT = {
  activity: { label: 'action type', field: f(ATTR.action) },
  access: { label: 'action', field: f(ATTR.action) },
  webhook_failure: { label: 'webhook', field: f(ATTR.webhookName) },
  integration_failure: { label: 'integration', field: f(ATTR.integrationName) },
};

/** The dashboards, by file name. */
function buildDashboards() {
  const out = {};
  for (const logType of LOG_TYPES) {
    nextId = 1;
    const panels = [volumePanel(logType, SPLIT[logType], 0)];
    BREAKDOWNS[logType].forEach(([label, field], i) =>
      panels.push(breakdownPanel(logType, label, field, (i % 3) * 8, 8 + Math.floor(i / 3) * 8))
    );
    panels.push(logsPanel(logType, 8 + Math.ceil(BREAKDOWNS[logType].length / 3) * 8));
    out[`${LOG_TYPE_SLUGS[logType]}.json`] = dashboard(
      `auditlens-${LOG_TYPE_SLUGS[logType]}`,
      `AuditLens / ${LOG_TYPE_TITLES[logType]}`,
      panels,
      logType
    );
  }
  nextId = 1;
  const overview = LOG_TYPES.map((logType, i) =>
    panel('stat', LOG_TYPE_TITLES[logType], { x: i * 6, y: 0, w: 6, h: 4 }, [
      { expr: `sum(count_over_time(${selector(logType)} [$__range]))`, queryType: 'instant' },
    ])
  );
  overview.push(
    panel('timeseries', 'Failed logins', { x: 0, y: 4, w: 24, h: 8 }, [
      {
        expr: `sum by (audit_portal) (count_over_time(${selector('access')} | audit_action="login_failed" [$__auto]))`,
        legendFormat: '{{audit_portal}}',
        queryType: 'range',
      },
    ]),
    panel('barchart', 'Top failing webhooks', { x: 0, y: 12, w: 12, h: 8 }, [
      {
        expr: `topk(10, sum by (audit_webhook_name) (count_over_time(${selector('webhook_failure')} [$__range])))`,
        legendFormat: '{{audit_webhook_name}}',
        queryType: 'instant',
        format: 'table',
      },
    ]),
    panel('barchart', 'Top failing integrations', { x: 12, y: 12, w: 12, h: 8 }, [
      {
        expr: `topk(10, sum by (audit_integration_name) (count_over_time(${selector('integration_failure')} [$__range])))`,
        legendFormat: '{{audit_integration_name}}',
        queryType: 'instant',
        format: 'table',
      },
    ])
  );
  out['overview.json'] = dashboard('auditlens-overview', 'AuditLens / Overview', overview, undefined);
  return out;
}

module.exports = { buildDashboards };

if (require.main === module) {
  for (const [name, json] of Object.entries(buildDashboards())) {
    writeFileSync(join(__dirname, name), `${JSON.stringify(json, null, 2)}\n`);
  }
}
