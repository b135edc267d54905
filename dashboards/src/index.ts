export { DASHBOARD_JSON_DIR, buildDashboards, committedDashboards, dashboardFileText } from './build';
export type { PreviousDashboard } from './build';
export { DASHBOARDS } from './catalogue';
export type { DashboardEntry } from './catalogue';
export { FIRST_REVISION, withRevision } from './revision';
export { DASHBOARD_TAG } from './links';
export { DATASOURCE_VARIABLE, LOKI } from './variables';
