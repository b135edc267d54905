import { PageLayoutType } from '@grafana/data';
import { SceneAppPage } from '@grafana/scenes';
import { ROUTES, prefixRoute } from '../../constants';
import type { AuditDataSources } from '../../data/requests';
import { overviewScene, type OverviewAccess } from './embeddedOverviewScene';

/** The overview page: what is unusual across the log types the user may read. */
export function overviewPage(access: OverviewAccess, sources: AuditDataSources): SceneAppPage {
  return new SceneAppPage({
    title: 'Overview',
    subTitle:
      'What stands out in the audit logs you may read: failures, who fails to log in, alerts firing now.',
    url: prefixRoute(ROUTES.overview),
    routePath: `${ROUTES.overview}/*`,
    layout: PageLayoutType.Standard,
    getScene: () => overviewScene(access, sources),
  });
}
