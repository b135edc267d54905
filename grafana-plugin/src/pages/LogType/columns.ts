import { ATTR, lokiFieldName, type AuditRow, type LogType } from '@auditlens/contract';

/** A column of a log type's results table. `when` is formatted by the table in the viewer's time zone. */
export interface Column {
  readonly title: string;
  readonly value: (row: AuditRow) => string;
}

const field =
  (attribute: string) =>
  (row: AuditRow): string =>
    row.fields[lokiFieldName(attribute)] ?? '';

const target = (row: AuditRow): string => {
  const name = field(ATTR.targetName)(row);
  const type = field(ATTR.targetType)(row);
  return name && type ? `${name} (${type})` : name || type;
};

/** The seed products' columns per log type, after "When". */
export const COLUMNS: Readonly<Record<LogType, readonly Column[]>> = {
  activity: [
    { title: 'Where', value: field(ATTR.clientAddress) },
    { title: 'Actor', value: field(ATTR.userName) },
    { title: 'Category', value: field(ATTR.category) },
    { title: 'Action type', value: field(ATTR.action) },
    { title: 'Target', value: target },
    { title: 'Action description', value: (row) => row.summary },
  ],
  access: [
    { title: 'Username', value: field(ATTR.userName) },
    { title: 'IP address', value: field(ATTR.clientAddress) },
    { title: 'Action', value: field(ATTR.action) },
    { title: 'Brand', value: field(ATTR.brand) },
    { title: 'Portal', value: field(ATTR.portal) },
    { title: 'Login source', value: field(ATTR.loginSource) },
    { title: 'Impersonator', value: field(ATTR.impersonatorName) },
  ],
  webhook_failure: [
    { title: 'Webhook', value: field(ATTR.webhookName) },
    { title: 'URL', value: field(ATTR.urlFull) },
    { title: 'Status', value: field(ATTR.httpStatus) },
    { title: 'Error', value: field(ATTR.errorMessage) },
    { title: 'Attempt', value: field(ATTR.attempt) },
  ],
  integration_failure: [
    { title: 'Integration', value: field(ATTR.integrationName) },
    { title: 'Type', value: field(ATTR.integrationType) },
    { title: 'Failure type', value: field(ATTR.failureType) },
    { title: 'Details', value: (row) => row.summary },
  ],
};

/** Loki name of the before/after changes of an activity event. */
export const CHANGES_FIELD = lokiFieldName(ATTR.changes);
