import { ATTR, lokiFieldName } from '@auditlens/contract';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { logTypeDashboard } from './logTypeDashboard';

/** Integration failures: which third-party integrations fail, of which type, and how. */
export function integrationFailuresDashboard(): dashboard.DashboardBuilder {
  return logTypeDashboard({
    logType: 'integration_failure',
    description: 'Failed third-party integrations: which integrations, of which type, and how they failed.',
    split: { label: 'integration', field: lokiFieldName(ATTR.integrationName) },
    breakdowns: [
      { label: 'integrations', field: lokiFieldName(ATTR.integrationName) },
      { label: 'integration types', field: lokiFieldName(ATTR.integrationType) },
      { label: 'failure types', field: lokiFieldName(ATTR.failureType) },
    ],
  });
}
