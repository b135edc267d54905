import { ATTR, lokiFieldName } from '@auditlens/contract';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { logTypeDashboard } from './logTypeDashboard';

/** Activity logs: who changed which admin setting, in which module and brand. */
export function activityDashboard(): dashboard.DashboardBuilder {
  return logTypeDashboard({
    logType: 'activity',
    description: 'Changes to admin settings: who changed what, in which module (category) and brand.',
    split: { label: 'action type', field: lokiFieldName(ATTR.action) },
    breakdowns: [
      { label: 'categories', field: lokiFieldName(ATTR.category) },
      { label: 'actors', field: lokiFieldName(ATTR.userName) },
      { label: 'brands', field: lokiFieldName(ATTR.brand) },
      { label: 'target types', field: lokiFieldName(ATTR.targetType) },
    ],
  });
}
