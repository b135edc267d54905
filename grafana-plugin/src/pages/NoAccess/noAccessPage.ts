import { PageLayoutType } from '@grafana/data';
import {
  EmbeddedScene,
  SceneFlexItem,
  SceneFlexLayout,
  SceneAppPage,
  SceneReactObject,
} from '@grafana/scenes';
import { NoAccess } from '../../components/NoAccess/NoAccess';
import { prefixRoute } from '../../constants';

/** Stands at `route` for a user who may not see it: the permission page, and nothing is requested. */
export function noAccessPage(route: string): SceneAppPage {
  const page: SceneAppPage = new SceneAppPage({
    title: 'AuditLens',
    url: prefixRoute(route === '*' ? '' : route),
    routePath: route === '*' ? '*' : `${route}/*`,
    layout: PageLayoutType.Standard,
    getScene: () =>
      new EmbeddedScene({
        body: new SceneFlexLayout({
          children: [new SceneFlexItem({ body: new SceneReactObject({ component: NoAccess }) })],
        }),
      }),
    // Below the route too (`*` stands for every path): the same page, not scenes' "Not found".
    getFallbackPage: () => page,
  });
  return page;
}
