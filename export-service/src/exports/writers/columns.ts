import { ATTR, lokiFieldName, type LogType } from '@auditlens/contract';
import type { LokiEntry } from '@auditlens/loki';

/** One column of an export: its header, width (characters) and cell value. */
export interface Column {
  readonly header: string;
  readonly width: number;
  readonly value: (e: LokiEntry) => string | number | undefined;
}

const md = (attribute: string) => {
  const name = lokiFieldName(attribute);
  return (e: LokiEntry): string | undefined => e.metadata[name];
};
const col = (header: string, width: number, attribute: string): Column => ({
  header,
  width,
  value: md(attribute),
});
const summary: Column = { header: 'Summary', width: 60, value: (e) => e.line };
const eventId = col('Event ID', 38, ATTR.eventId);
const brand = col('Brand', 14, ATTR.brand);

/** Columns of each log type after the two time columns, following the seed products' exports. */
export const COLUMNS: Readonly<Record<LogType, readonly Column[]>> = {
  activity: [
    col('Actor', 18, ATTR.userName),
    col('Email', 26, ATTR.userEmail),
    col('IP address', 16, ATTR.clientAddress),
    col('Category', 22, ATTR.category),
    col('Action type', 12, ATTR.action),
    col('Target type', 16, ATTR.targetType),
    col('Target ID', 14, ATTR.targetId),
    col('Target', 24, ATTR.targetName),
    summary,
    col('Changes', 60, ATTR.changes),
    brand,
    col('Outcome', 10, ATTR.outcome),
    eventId,
  ],
  access: [
    col('Username', 18, ATTR.userName),
    col('Email', 26, ATTR.userEmail),
    col('IP address', 16, ATTR.clientAddress),
    col('Action', 20, ATTR.action),
    brand,
    col('Portal', 10, ATTR.portal),
    col('Login source', 14, ATTR.loginSource),
    col('User agent', 40, ATTR.userAgent),
    col('Impersonator', 18, ATTR.impersonatorName),
    col('Outcome', 10, ATTR.outcome),
    summary,
    eventId,
  ],
  webhook_failure: [
    col('Webhook', 26, ATTR.webhookName),
    col('URL', 48, ATTR.urlFull),
    col('Method', 8, ATTR.httpMethod),
    { header: 'HTTP status', width: 11, value: (e) => numberOrText(md(ATTR.httpStatus)(e)) },
    col('Error', 40, ATTR.errorMessage),
    { header: 'Attempt', width: 8, value: (e) => numberOrText(md(ATTR.attempt)(e)) },
    brand,
    summary,
    eventId,
  ],
  integration_failure: [
    col('Integration', 20, ATTR.integrationName),
    col('Integration type', 16, ATTR.integrationType),
    col('Failure type', 18, ATTR.failureType),
    col('Details', 50, ATTR.errorMessage),
    brand,
    summary,
    eventId,
  ],
};

function numberOrText(v: string | undefined): string | number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : v;
}
