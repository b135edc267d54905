import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { ATTR, FILTER_FIELDS, LOG_TYPES, LOG_TYPE_TITLES, lokiFieldName } from '@auditlens/contract';
import { GRID_WIDTH, placeRows } from './layout';
import { appFilterLink, dashboardLink, dashboardLinks } from './links';
import { auditLensDashboard, dashboardUid } from './logTypeDashboard';
import { countsOverTime, eventTotal, topValues } from './panels';
import { LOGIN_FAILED, STEP_WINDOW, countBy, failedLogins, streamSelector, topBy, total } from './queries';
import { variables } from './variables';

/** The overview dashboard's uid. */
export const OVERVIEW_UID = 'auditlens-overview';

/**
 * The overview: how many events of each type, failed logins over time and by whom, and the webhooks and
 * integrations failing most; every number leads to its log type's dashboard.
 */
export function overviewDashboard(): dashboard.DashboardBuilder {
  const portal = lokiFieldName(ATTR.portal);
  const user = lokiFieldName(ATTR.userName);
  const webhook = lokiFieldName(ATTR.webhookName);
  const integration = lokiFieldName(ATTR.integrationName);
  const actionFilter = FILTER_FIELDS.access.find((f) => f.lokiField === lokiFieldName(ATTR.action))!.key;
  const userLink = appFilterLink('access', user, { [actionFilter]: LOGIN_FAILED });
  const webhookLink = appFilterLink('webhook_failure', webhook);
  const integrationLink = appFilterLink('integration_failure', integration);
  const panels = placeRows([
    LOG_TYPES.map((logType) => ({
      panel: eventTotal(LOG_TYPE_TITLES[logType], total(streamSelector(logType)), [
        dashboardLink(`AuditLens / ${LOG_TYPE_TITLES[logType]}`, dashboardUid(logType)),
      ]),
      width: GRID_WIDTH / LOG_TYPES.length,
      height: 4,
    })),
    [
      {
        panel: countsOverTime(
          'Failed logins by portal',
          countBy(portal, failedLogins(), STEP_WINDOW),
          portal
        ),
        width: 16,
        height: 8,
      },
      {
        panel: topValues(
          'Users with most failed logins',
          topBy(user, failedLogins()),
          user,
          userLink ? [userLink] : []
        ),
        width: 8,
        height: 8,
      },
    ],
    [
      {
        panel: topValues(
          'Top failing webhooks',
          topBy(webhook, streamSelector('webhook_failure')),
          webhook,
          webhookLink ? [webhookLink] : []
        ),
        width: GRID_WIDTH / 2,
        height: 8,
      },
      {
        panel: topValues(
          'Top failing integrations',
          topBy(integration, streamSelector('integration_failure')),
          integration,
          integrationLink ? [integrationLink] : []
        ),
        width: GRID_WIDTH / 2,
        height: 8,
      },
    ],
  ]);
  const board = auditLensDashboard(
    OVERVIEW_UID,
    'AuditLens / Overview',
    'Audit events of every type at a glance: counts, failed logins, failing webhooks and integrations.'
  )
    .variables(variables())
    .links(dashboardLinks());
  for (const panel of panels) board.withPanel(panel);
  return board;
}
