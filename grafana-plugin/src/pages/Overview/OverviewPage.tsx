import React, { useMemo } from 'react';
import type { LogType } from '@auditlens/contract';
import { AppPage } from '../../components/AppPage/AppPage';
import { buildPageScene } from '../../scenes/pageScene';
import { SceneView } from '../../scenes/SceneView';
import { OverviewTiles } from './OverviewTiles';

/** The overview: a tile per log type the user may read, over a shared time range. */
export function OverviewPage({ readable }: { readable: readonly LogType[] }): React.JSX.Element {
  const scene = useMemo(() => buildPageScene(new OverviewTiles({ readable })), [readable]);
  return (
    <AppPage>
      <SceneView scene={scene} />
    </AppPage>
  );
}
