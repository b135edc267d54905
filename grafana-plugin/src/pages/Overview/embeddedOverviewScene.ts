import type { EmbeddedScene } from '@grafana/scenes';
import { FILTER_FIELDS, type LogType } from '@auditlens/contract';
import { AuditQueryRunner } from '../../data/AuditQueryRunner';
import type { AuditDataSources } from '../../data/requests';
import { eventBarsPanel } from '../../panels/eventBarsPanel';
import { buildPageScene } from '../../scenes/pageScene';
import { FiringAlertsScene } from './FiringAlertsScene';
import { LogTypeTileScene } from './LogTypeTileScene';
import { OverviewScene } from './OverviewScene';
import { TopValuesScene } from './TopValuesScene';

/** How many names a top list shows. */
export const TOP_LIMIT = 5;

/** The top lists of each type: a field and the filters its values are counted under. */
const TOPS: Readonly<
  Record<LogType, ReadonlyArray<{ title: string; field: string; filters: Record<string, string> }>>
> = {
  activity: [],
  access: [
    { title: 'Most failed logins by user', field: 'user', filters: { action: 'login_failed' } },
    { title: 'Most failed logins by IP', field: 'ip', filters: { action: 'login_failed' } },
  ],
  webhook_failure: [{ title: 'Top failing webhooks', field: 'webhook', filters: {} }],
  integration_failure: [{ title: 'Top failing integrations', field: 'integration', filters: {} }],
};

/** What the overview may show the signed-in user. */
export interface OverviewAccess {
  readonly readable: readonly LogType[];
  /** Grafana's `alert.instances:read`. */
  readonly canReadAlerts: boolean;
}

/**
 * The overview's scene: a tile per log type the user may read, each with its own runners (counts, top names),
 * and, for readers of access logs, the login-failure alerts firing now.
 */
export function overviewScene(
  { readable, canReadAlerts }: OverviewAccess,
  sources: AuditDataSources
): EmbeddedScene {
  const tiles = readable.map(
    (logType) =>
      new LogTypeTileScene({
        logType,
        $data: new AuditQueryRunner({ request: { kind: 'counts', logType, by: 'outcome' }, sources }),
        chart: eventBarsPanel({ title: '', legend: false, transparent: true }),
        tops: TOPS[logType].map(
          (top) =>
            new TopValuesScene({
              title: top.title,
              logType,
              field: FILTER_FIELDS[logType].find((f) => f.key === top.field)!,
              filters: top.filters,
              $data: new AuditQueryRunner({
                request: { kind: 'facets', logType, field: top.field, limit: TOP_LIMIT, exactOnly: true },
                filters: top.filters,
                sources,
              }),
            })
        ),
      })
  );
  const alerts = readable.includes('access')
    ? new FiringAlertsScene(
        canReadAlerts ? { $data: new AuditQueryRunner({ request: { kind: 'firingAlerts' }, sources }) } : {}
      )
    : undefined;
  return buildPageScene(new OverviewScene({ tiles, alerts }));
}
