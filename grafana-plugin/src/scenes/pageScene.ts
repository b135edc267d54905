import {
  EmbeddedScene,
  SceneControlsSpacer,
  SceneFlexItem,
  SceneFlexLayout,
  SceneRefreshPicker,
  SceneTimePicker,
  SceneTimeRange,
  type SceneObject,
} from '@grafana/scenes';

/** A page's scene: Grafana's time picker and refresh (last 24 hours by default, in the URL) over `body`. */
export function buildPageScene(body: SceneObject): EmbeddedScene {
  return new EmbeddedScene({
    $timeRange: new SceneTimeRange({ from: 'now-24h', to: 'now' }),
    controls: [
      new SceneControlsSpacer(),
      new SceneTimePicker({}),
      // With its text: an icon-only refresh button has no accessible name (RefreshPicker labels it by its text).
      new SceneRefreshPicker({ intervals: ['1m', '5m', '15m'], withText: true }),
    ],
    body: new SceneFlexLayout({ children: [new SceneFlexItem({ body })] }),
  });
}
