import { ATTR, lokiFieldName } from '@auditlens/contract';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { logTypeDashboard } from './logTypeDashboard';

/** Access logs: logins, logouts, failed logins and impersonations, by user, IP, portal and login source. */
export function accessDashboard(): dashboard.DashboardBuilder {
  return logTypeDashboard({
    logType: 'access',
    description:
      'Logins, logouts, failed logins and impersonations in the agent and customer portals: by user, IP address, login source, portal and brand.',
    split: { label: 'action', field: lokiFieldName(ATTR.action) },
    breakdowns: [
      { label: 'users', field: lokiFieldName(ATTR.userName) },
      { label: 'IP addresses', field: lokiFieldName(ATTR.clientAddress) },
      { label: 'login sources', field: lokiFieldName(ATTR.loginSource) },
      { label: 'portals', field: lokiFieldName(ATTR.portal) },
      { label: 'brands', field: lokiFieldName(ATTR.brand) },
      { label: 'actions', field: lokiFieldName(ATTR.action) },
    ],
  });
}
