import type { EmbeddedScene } from '@grafana/scenes';
import { FILTER_FIELDS, type LogType } from '@auditlens/contract';
import { AuditQueryRunner } from '../../data/AuditQueryRunner';
import type { AuditDataSources } from '../../data/requests';
import { eventBarsPanel } from '../../panels/eventBarsPanel';
import { buildPageScene } from '../../scenes/pageScene';
import { AuditLogView } from './AuditLogView';
import { ChartSplitSwitch } from './ChartSplitSwitch';
import { EventsChartScene } from './EventsChartScene';
import { FacetSelectScene } from './FacetSelectScene';
import { LogTableScene } from './LogTableScene';

/** Rows a page of the table holds. */
export const PAGE_SIZE = 100;

/**
 * A log type's scene: time picker, filters (a dropdown per field), the chart and the table, each with its own
 * runner, so the table shows as soon as its rows are in.
 */
export function logTypeScene(logType: LogType, canExport: boolean, sources: AuditDataSources): EmbeddedScene {
  return buildPageScene(
    new AuditLogView({
      logType,
      canExport,
      filters: {},
      q: '',
      facets: FILTER_FIELDS[logType].map(
        (field) =>
          new FacetSelectScene({
            field,
            $data: new AuditQueryRunner({
              request: { kind: 'facets', logType, field: field.key },
              sources,
              usePageFilters: false,
              runQueriesMode: 'manual',
            }),
          })
      ),
      chart: new EventsChartScene({
        $data: new AuditQueryRunner({ request: { kind: 'counts', logType, by: 'action' }, sources }),
        panel: eventBarsPanel({ title: 'Events over time', headerActions: new ChartSplitSwitch({}) }),
      }),
      table: new LogTableScene({
        logType,
        $data: new AuditQueryRunner({ request: { kind: 'rows', logType, pageSize: PAGE_SIZE }, sources }),
      }),
    })
  );
}
