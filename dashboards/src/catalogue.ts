import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { accessDashboard } from './access';
import { activityDashboard } from './activity';
import { integrationFailuresDashboard } from './integrationFailures';
import { overviewDashboard } from './overview';
import { webhookFailuresDashboard } from './webhookFailures';
import { LOG_TYPE_SLUGS } from '@auditlens/contract';

/** One generated dashboard: the file it is written to under `json/`, and how it is built. */
export interface DashboardEntry {
  readonly file: string;
  readonly build: () => dashboard.DashboardBuilder;
}

/** Every AuditLens dashboard: one per log type (`<slug>.json`) and the overview. */
export const DASHBOARDS: readonly DashboardEntry[] = [
  { file: 'overview.json', build: overviewDashboard },
  { file: `${LOG_TYPE_SLUGS.activity}.json`, build: activityDashboard },
  { file: `${LOG_TYPE_SLUGS.access}.json`, build: accessDashboard },
  { file: `${LOG_TYPE_SLUGS.webhook_failure}.json`, build: webhookFailuresDashboard },
  { file: `${LOG_TYPE_SLUGS.integration_failure}.json`, build: integrationFailuresDashboard },
];
