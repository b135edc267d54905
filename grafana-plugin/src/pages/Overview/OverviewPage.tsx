import React, { useMemo } from 'react';
import {
  EmbeddedScene,
  SceneControlsSpacer,
  SceneFlexItem,
  SceneFlexLayout,
  SceneRefreshPicker,
  SceneTimePicker,
  SceneTimeRange,
} from '@grafana/scenes';
import type { LogType } from '@auditlens/contract';
import { AppPage } from '../../components/AppPage/AppPage';
import { SceneView } from '../../scenes/SceneView';
import { OverviewTiles } from './OverviewTiles';

/** The overview: a tile per log type the user may read, over a shared time range. */
export function OverviewPage({ readable }: { readable: readonly LogType[] }): React.JSX.Element {
  const scene = useMemo(
    () =>
      new EmbeddedScene({
        $timeRange: new SceneTimeRange({ from: 'now-24h', to: 'now' }),
        controls: [new SceneControlsSpacer(), new SceneTimePicker({}), new SceneRefreshPicker({})],
        body: new SceneFlexLayout({
          children: [new SceneFlexItem({ body: new OverviewTiles({ readable }) })],
        }),
      }),
    [readable]
  );
  return (
    <AppPage>
      <SceneView scene={scene} />
    </AppPage>
  );
}
