import {
  ATTR,
  SUMMARY_LABELS,
  fieldLabel,
  lokiFieldName,
  valueLabel,
  type AttributeName,
  type AuditRow,
  type LogType,
} from '@auditlens/contract';

/** A column of a log type's results table. `when` is formatted by the table in the viewer's time zone. */
export interface Column {
  readonly title: string;
  /** The attributes the column shows, in the order the event drawer lists them. */
  readonly attributes: readonly AttributeName[];
  readonly value: (row: AuditRow) => string;
}

/** An attribute's value in a row, or ''. */
export const valueOf = (row: AuditRow, attribute: AttributeName): string =>
  row.fields[lokiFieldName(attribute)] ?? '';

/** An attribute's value in a row as a person reads it ("Failed login" for `login_failed`), or ''. */
export const labelledValueOf = (row: AuditRow, attribute: AttributeName): string =>
  valueLabel(attribute, valueOf(row, attribute));

const field = (logType: LogType, attribute: AttributeName): Column => ({
  title: fieldLabel(logType, attribute),
  attributes: [attribute],
  value: (row) => labelledValueOf(row, attribute),
});

const target = (logType: LogType): Column => ({
  title: fieldLabel(logType, ATTR.targetName),
  attributes: [ATTR.targetName, ATTR.targetType],
  value: (row) => {
    const name = valueOf(row, ATTR.targetName);
    const type = valueOf(row, ATTR.targetType);
    return name && type ? `${name} (${type})` : name || type;
  },
});

const summary = (logType: LogType): Column => ({
  title: SUMMARY_LABELS[logType],
  attributes: [],
  value: (row) => row.summary,
});

/**
 * The seed products' columns per log type, after the time ("When"); titles are the contract's field labels and
 * values its value labels, as an exported file has them.
 */
export const COLUMNS: Readonly<Record<LogType, readonly Column[]>> = {
  activity: [
    field('activity', ATTR.clientAddress),
    field('activity', ATTR.userName),
    field('activity', ATTR.category),
    field('activity', ATTR.action),
    target('activity'),
    summary('activity'),
  ],
  access: [
    field('access', ATTR.userName),
    field('access', ATTR.clientAddress),
    field('access', ATTR.action),
    field('access', ATTR.brand),
    field('access', ATTR.portal),
    field('access', ATTR.loginSource),
    field('access', ATTR.impersonatorName),
  ],
  webhook_failure: [
    field('webhook_failure', ATTR.webhookName),
    field('webhook_failure', ATTR.urlFull),
    field('webhook_failure', ATTR.httpStatus),
    field('webhook_failure', ATTR.errorMessage),
    field('webhook_failure', ATTR.attempt),
  ],
  integration_failure: [
    field('integration_failure', ATTR.integrationName),
    field('integration_failure', ATTR.integrationType),
    field('integration_failure', ATTR.failureType),
    summary('integration_failure'),
  ],
};

/** Loki name of the before/after changes of an activity event. */
export const CHANGES_FIELD = lokiFieldName(ATTR.changes);
