import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { APP_BASE_PATH, APP_PAGES, FILTER_FIELDS, type LogType } from '@auditlens/contract';

/** Tag of every AuditLens dashboard; the "AuditLens dashboards" link lists the dashboards carrying it. */
export const DASHBOARD_TAG = 'auditlens';

/**
 * A link shown in the dashboard's link bar. The SDK's DashboardLinkBuilder (0.0.21) always sets
 * `placement: "inControlsMenu"`; Grafana's dashboard scenes then move the link into the "Dashboard controls"
 * dropdown and drop `dashboards` links from it altogether (`getDashboardControlsLinks` in
 * public/app/features/dashboard-scene/scene/dashboard-controls), so the placement is removed.
 */
function link(builder: dashboard.DashboardLinkBuilder): cog.Builder<dashboard.DashboardLink> {
  return {
    build: () => {
      const built = builder.build();
      delete built.placement;
      return built;
    },
  };
}

/** Path of an app page: the overview, or a log type's page. */
function appPage(logType?: LogType): string {
  return `${APP_BASE_PATH}/${logType ? APP_PAGES.logType(logType) : APP_PAGES.overview}`;
}

/**
 * The dashboard's links: the matching page of the AuditLens app (the permission-checked view, with this time
 * range), and a menu of the other AuditLens dashboards.
 */
export function dashboardLinks(logType?: LogType): Array<cog.Builder<dashboard.DashboardLink>> {
  return [
    link(
      new dashboard.DashboardLinkBuilder('Open in the AuditLens app')
        .type(dashboard.DashboardLinkType.Link)
        .url(appPage(logType))
        .icon('external link')
        .tooltip('The same events in the AuditLens app, which checks your permission for each log type')
        .keepTime(true)
    ),
    link(
      new dashboard.DashboardLinkBuilder('AuditLens dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(true)
    ),
  ];
}

/**
 * A data link from a value of `lokiField` to the log type's app page filtered on it, when the page has a filter
 * for that field (`FILTER_FIELDS`), plus the `fixed` filters; Grafana fills `${__field.labels.*}`, `${__from}`
 * and `${__to}` on click.
 */
export function appFilterLink(
  logType: LogType,
  lokiField: string,
  fixed: Readonly<Record<string, string>> = {}
): cog.Builder<dashboard.DashboardLink> | undefined {
  const filter = FILTER_FIELDS[logType].find((f) => f.lokiField === lokiField);
  if (!filter) return undefined;
  const params = [
    ...Object.entries(fixed).map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`),
    `${filter.key}=\${__field.labels.${lokiField}:percentencode}`,
    'from=${__from}',
    'to=${__to}',
  ];
  return link(
    new dashboard.DashboardLinkBuilder(`Open in the AuditLens app (${filter.label})`).url(
      `${appPage(logType)}?${params.join('&')}`
    )
  );
}

/** A panel link to another AuditLens dashboard, keeping the time range and variables. */
export function dashboardLink(title: string, uid: string): cog.Builder<dashboard.DashboardLink> {
  return link(
    new dashboard.DashboardLinkBuilder(title).url(`/d/${uid}?\${__url_time_range}&\${__all_variables}`)
  );
}
