import { ATTR, lokiFieldName } from './attributes';
import type { LogType } from './logTypes';

/** A filter a user can set on a log type's page and in an export. */
export interface FilterField {
  /** Query-string / export `filters` key, e.g. `user`. */
  readonly key: string;
  /** Label shown in the UI. */
  readonly label: string;
  /** Loki structured-metadata field it matches exactly. */
  readonly lokiField: string;
}

function field(key: string, label: string, attribute: string): FilterField {
  return { key, label, lokiField: lokiFieldName(attribute) };
}

/** Exact-match filters of each log type (the seed products' filters). Date range and `q` apply to all. */
export const FILTER_FIELDS: Readonly<Record<LogType, readonly FilterField[]>> = {
  activity: [
    field('category', 'Category', ATTR.category),
    field('action', 'Action type', ATTR.action),
    field('user', 'Username', ATTR.userName),
  ],
  access: [
    field('action', 'Action', ATTR.action),
    field('user', 'Username', ATTR.userName),
    field('brand', 'Brand', ATTR.brand),
    field('portal', 'Portal', ATTR.portal),
    field('loginSource', 'Login source', ATTR.loginSource),
    field('ip', 'IP address', ATTR.clientAddress),
  ],
  webhook_failure: [field('webhook', 'Webhook', ATTR.webhookName)],
  integration_failure: [
    field('integration', 'Integration', ATTR.integrationName),
    field('integrationType', 'Integration type', ATTR.integrationType),
  ],
};

/** Query key of the free-text "contains" filter, applied as a line filter on the summary. */
export const TEXT_FILTER_KEY = 'q';

/** Fields the stats route can split counts by. */
export const STATS_SPLITS = ['action', 'outcome'] as const;
export type StatsSplit = (typeof STATS_SPLITS)[number];
