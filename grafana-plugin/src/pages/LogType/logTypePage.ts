import { PageLayoutType } from '@grafana/data';
import { SceneAppPage } from '@grafana/scenes';
import { LOG_TYPE_TITLES, type LogType } from '@auditlens/contract';
import { ROUTES, prefixRoute } from '../../constants';
import type { AuditDataSources } from '../../data/requests';
import { logTypeScene } from './logTypeScene';

/** What each log type's page is for, under its title. */
const SUBTITLES: Readonly<Record<LogType, string>> = {
  activity: 'Who changed which setting, in which module, and what it was before.',
  access: 'Logins, logouts, failed logins and impersonations, in the agent and customer portals.',
  webhook_failure: 'Webhook deliveries that failed, with the status and error the endpoint answered.',
  integration_failure: 'Third-party integrations that failed, and why.',
};

/** One log type's page; the app lists it only for users who may read that type. */
export function logTypePage(logType: LogType, canExport: boolean, sources: AuditDataSources): SceneAppPage {
  const route = ROUTES.logType(logType);
  return new SceneAppPage({
    title: LOG_TYPE_TITLES[logType],
    subTitle: SUBTITLES[logType],
    url: prefixRoute(route),
    routePath: `${route}/*`,
    layout: PageLayoutType.Standard,
    getScene: () => logTypeScene(logType, canExport, sources),
  });
}
