import { ATTR, lokiFieldName } from '@auditlens/contract';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { logTypeDashboard } from './logTypeDashboard';

/** Webhook failures: which webhooks fail, with which HTTP status and error. */
export function webhookFailuresDashboard(): dashboard.DashboardBuilder {
  return logTypeDashboard({
    logType: 'webhook_failure',
    description: 'Failed webhook deliveries: which webhooks, which HTTP statuses and errors.',
    split: { label: 'webhook', field: lokiFieldName(ATTR.webhookName) },
    breakdowns: [
      { label: 'webhooks', field: lokiFieldName(ATTR.webhookName) },
      { label: 'HTTP statuses', field: lokiFieldName(ATTR.httpStatus) },
      { label: 'errors', field: lokiFieldName(ATTR.errorType) },
    ],
  });
}
