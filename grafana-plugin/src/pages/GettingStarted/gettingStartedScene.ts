import { EmbeddedScene, SceneFlexItem, SceneFlexLayout, SceneReactObject } from '@grafana/scenes';
import { GettingStarted } from '../../components/GettingStarted/GettingStarted';

/** The getting-started page's scene: the same text an empty page shows. */
export function gettingStartedScene(): EmbeddedScene {
  return new EmbeddedScene({
    body: new SceneFlexLayout({
      children: [
        new SceneFlexItem({
          body: new SceneReactObject({ component: GettingStarted, props: { title: 'Send audit events' } }),
        }),
      ],
    }),
  });
}
