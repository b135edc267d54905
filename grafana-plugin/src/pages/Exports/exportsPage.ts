import { PageLayoutType } from '@grafana/data';
import { SceneAppPage } from '@grafana/scenes';
import { ROUTES, prefixRoute } from '../../constants';
import type { AuditDataSources } from '../../data/requests';
import { exportsScene } from './embeddedExportsScene';

/** "My exports"; the app lists it only for users with the export action. */
export function exportsPage(sources: AuditDataSources): SceneAppPage {
  return new SceneAppPage({
    title: 'My exports',
    subTitle: 'Your exports of the last days, live while they run. Files are emailed to you.',
    url: prefixRoute(ROUTES.exports),
    routePath: `${ROUTES.exports}/*`,
    layout: PageLayoutType.Standard,
    getScene: () => exportsScene(sources),
  });
}
