import React from 'react';
import { css } from '@emotion/css';
import { useStyles2 } from '@grafana/ui';
import { LoadingState, type GrafanaTheme2 } from '@grafana/data';
import { SceneObjectBase, type SceneComponentProps, type SceneObjectState } from '@grafana/scenes';
import { GettingStarted } from '../../components/GettingStarted/GettingStarted';
import { totalsOf } from '../../data/frames/counts';
import { testIds } from '../../testIds';
import type { FiringAlertsScene } from './FiringAlertsScene';
import type { LogTypeTileScene } from './LogTypeTileScene';

interface OverviewState extends SceneObjectState {
  /** Only for users who may read access logs. */
  readonly alerts?: FiringAlertsScene;
  /** One per log type the user may read, and no other type's route is called. */
  readonly tiles: readonly LogTypeTileScene[];
  /** True once every tile has counted and found nothing: a new install, shown how events get here. */
  readonly empty?: boolean;
}

/** The overview: firing alerts, then a tile per readable log type over the shared time range. */
export class OverviewScene extends SceneObjectBase<OverviewState> {
  static Component = OverviewRenderer;

  constructor(state: OverviewState) {
    super(state);
    this.addActivationHandler(() => {
      const update = (): void => this.setState({ empty: allEmpty(this.state.tiles) });
      for (const tile of this.state.tiles) this._subs.add(tile.state.$data.subscribeToState(update));
      update();
    });
  }
}

/** Whether every tile has its counts and they are all zero. */
export function allEmpty(tiles: readonly LogTypeTileScene[]): boolean {
  return (
    tiles.length > 0 &&
    tiles.every((tile) => {
      const data = tile.state.$data.state.data;
      return data?.state === LoadingState.Done && totalsOf(data.series).every((t) => t.total === 0);
    })
  );
}

function OverviewRenderer({ model }: SceneComponentProps<OverviewScene>): React.JSX.Element {
  const { alerts, tiles, empty } = model.useState();
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.overview} data-testid={testIds.overview}>
      {empty && <GettingStarted title="No audit events in this time range yet" />}
      {alerts && <alerts.Component model={alerts} />}
      <div className={styles.tiles}>
        {tiles.map((tile) => (
          <tile.Component key={tile.state.key} model={tile} />
        ))}
      </div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  overview: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2), width: '100%' }),
  tiles: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))',
    gap: theme.spacing(2),
  }),
});
