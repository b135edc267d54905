import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { LOG_TYPE_SLUGS, LOG_TYPE_TITLES, type LogType } from '@auditlens/contract';
import { DASHBOARD_TAG, appFilterLink, dashboardLinks } from './links';
import { placeRows, GRID_WIDTH, type Cell } from './layout';
import { countsOverTime, eventLog, topValues } from './panels';
import { STEP_WINDOW, countBy, filteredEvents, topBy } from './queries';
import { variables } from './variables';

/** A field of the events and how a dashboard names it. */
export interface NamedField {
  readonly label: string;
  /** Loki structured-metadata field, from `lokiFieldName(ATTR.*)`. */
  readonly field: string;
}

/** What a log type's dashboard shows besides the events themselves. */
export interface LogTypeDashboardSpec {
  readonly logType: LogType;
  /** One line on what the dashboard is for, shown by Grafana under its title. */
  readonly description: string;
  /** The field the chart of events over time splits its bars by. */
  readonly split: NamedField;
  /** Fields shown as "Top <label>" bars, three to a row. */
  readonly breakdowns: readonly NamedField[];
}

const BREAKDOWNS_PER_ROW = 3;

/** The uid of a log type's dashboard (`auditlens-<slug>`), stable so links and imports keep finding it. */
export function dashboardUid(logType: LogType): string {
  return `auditlens-${LOG_TYPE_SLUGS[logType]}`;
}

/** Settings every AuditLens dashboard shares: tag, browser time zone, last 24 hours, read-only. */
export function auditLensDashboard(
  uid: string,
  title: string,
  description: string
): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([DASHBOARD_TAG, 'audit'])
    .timezone('browser')
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .readonly();
}

/**
 * A log type's dashboard: its events over time, the top values of its key fields, and the events, all narrowed
 * by the same filters as the type's page in the app (text boxes, regular expressions) and a free-text search.
 */
export function logTypeDashboard(spec: LogTypeDashboardSpec): dashboard.DashboardBuilder {
  const { logType } = spec;
  const events = filteredEvents(logType);
  const breakdowns: Cell[] = spec.breakdowns.map(({ label, field }) => {
    const link = appFilterLink(logType, field);
    return {
      panel: topValues(`Top ${label}`, topBy(field, events), field, link ? [link] : []),
      width: GRID_WIDTH / BREAKDOWNS_PER_ROW,
      height: 8,
    };
  });
  const panels = placeRows([
    [
      {
        panel: countsOverTime(
          `Events over time by ${spec.split.label}`,
          countBy(spec.split.field, events, STEP_WINDOW),
          spec.split.field
        ),
        width: GRID_WIDTH,
        height: 8,
      },
    ],
    breakdowns,
    [{ panel: eventLog('Events', events), width: GRID_WIDTH, height: 14 }],
  ]);
  const board = auditLensDashboard(
    dashboardUid(logType),
    `AuditLens / ${LOG_TYPE_TITLES[logType]}`,
    spec.description
  )
    .variables(variables(logType))
    .links(dashboardLinks(logType));
  for (const panel of panels) board.withPanel(panel);
  return board;
}
