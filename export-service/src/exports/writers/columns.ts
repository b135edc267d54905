import {
  ATTR,
  SUMMARY_LABELS,
  TIME_LABEL,
  fieldLabel,
  lokiFieldName,
  valueLabel,
  type AttributeName,
  type LogType,
} from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';

/** One column of an export: its header, width (characters) and cell value. */
export interface Column {
  /** The attribute it shows, or undefined for the summary (the log line). */
  readonly attribute: AttributeName | undefined;
  readonly header: string;
  readonly width: number;
  readonly value: (e: LokiEntry) => string | number | undefined;
}

/**
 * The headers of the two time columns before the others: the requester's zone, then UTC, named as the app's
 * table names its time column.
 */
export function timeHeaders(timeZone: string): readonly [string, string] {
  return [`${TIME_LABEL} (${timeZone})`, `${TIME_LABEL} (UTC)`];
}

/** A column's content: an attribute, the summary (the log line), or an attribute read as a number. */
type Spec =
  | readonly [attribute: AttributeName, width: number]
  | readonly ['summary', width: number]
  | readonly ['number', attribute: AttributeName, width: number];

const metadata = (attribute: AttributeName) => {
  // Named once per column, not per cell: an export reads it for every row.
  const name = lokiFieldName(attribute);
  return (e: LokiEntry): string | undefined => e.metadata[name];
};

/**
 * The columns of `logType` from their specs. Headers and values are the contract's labels, as the app's table and
 * event drawer show them: a file says "Failed login" under "Action" where the table does.
 */
function columns(logType: LogType, specs: readonly Spec[]): readonly Column[] {
  return specs.map((spec): Column => {
    if (spec[0] === 'summary')
      return { attribute: undefined, header: SUMMARY_LABELS[logType], width: spec[1], value: (e) => e.line };
    if (spec[0] === 'number') {
      const [, attribute, width] = spec;
      const read = metadata(attribute);
      return {
        attribute,
        header: fieldLabel(logType, attribute),
        width,
        value: (e) => numberOrText(read(e)),
      };
    }
    const [attribute, width] = spec;
    const read = metadata(attribute);
    return {
      attribute,
      header: fieldLabel(logType, attribute),
      width,
      value: (e) => {
        const v = read(e);
        return v === undefined ? undefined : valueLabel(attribute, v);
      },
    };
  });
}

/** Columns of each log type after the two time columns, following the seed products' exports. */
export const COLUMNS: Readonly<Record<LogType, readonly Column[]>> = {
  activity: columns('activity', [
    [ATTR.userName, 18],
    [ATTR.userEmail, 26],
    [ATTR.clientAddress, 16],
    [ATTR.category, 22],
    [ATTR.action, 12],
    [ATTR.targetType, 16],
    [ATTR.targetId, 14],
    [ATTR.targetName, 24],
    ['summary', 60],
    [ATTR.changes, 60],
    [ATTR.brand, 14],
    [ATTR.outcome, 10],
    [ATTR.eventId, 38],
  ]),
  access: columns('access', [
    [ATTR.userName, 18],
    [ATTR.userEmail, 26],
    [ATTR.clientAddress, 16],
    [ATTR.action, 20],
    [ATTR.brand, 14],
    [ATTR.portal, 10],
    [ATTR.loginSource, 14],
    [ATTR.userAgent, 40],
    [ATTR.impersonatorName, 18],
    [ATTR.outcome, 10],
    ['summary', 60],
    [ATTR.eventId, 38],
  ]),
  webhook_failure: columns('webhook_failure', [
    [ATTR.webhookName, 26],
    [ATTR.urlFull, 48],
    [ATTR.httpMethod, 8],
    ['number', ATTR.httpStatus, 11],
    [ATTR.errorMessage, 40],
    ['number', ATTR.attempt, 8],
    [ATTR.brand, 14],
    ['summary', 60],
    [ATTR.eventId, 38],
  ]),
  integration_failure: columns('integration_failure', [
    [ATTR.integrationName, 20],
    [ATTR.integrationType, 16],
    [ATTR.failureType, 18],
    [ATTR.errorMessage, 50],
    [ATTR.brand, 14],
    ['summary', 60],
    [ATTR.eventId, 38],
  ]),
};

function numberOrText(v: string | undefined): string | number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : v;
}
