import { PageLayoutType } from '@grafana/data';
import { SceneAppPage } from '@grafana/scenes';
import { ROUTES, prefixRoute } from '../../constants';
import { gettingStartedScene } from './gettingStartedScene';

/** How events get into AuditLens; no audit data, so every user of the app may open it. */
export function gettingStartedPage(): SceneAppPage {
  return new SceneAppPage({
    title: 'Getting started',
    subTitle: 'How audit events get from your services into AuditLens.',
    url: prefixRoute(ROUTES.gettingStarted),
    routePath: `${ROUTES.gettingStarted}/*`,
    layout: PageLayoutType.Standard,
    getScene: gettingStartedScene,
  });
}
