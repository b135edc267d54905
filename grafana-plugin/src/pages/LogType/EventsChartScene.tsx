import React from 'react';
import { css } from '@emotion/css';
import { Alert, useStyles2 } from '@grafana/ui';
import { LoadingState } from '@grafana/data';
import {
  SceneObjectBase,
  type SceneComponentProps,
  type SceneObjectState,
  type VizPanel,
} from '@grafana/scenes';
import type { AuditQueryRunner } from '../../data/AuditQueryRunner';
import { totalsOf, type SeriesTotal } from '../../data/frames/counts';
import { visuallyHidden } from '../../styles/visuallyHidden';
import { testIds } from '../../testIds';

interface EventsChartState extends SceneObjectState {
  /** Counts by action or outcome over the page's range and filters. */
  readonly $data: AuditQueryRunner;
  /** Grafana's time series panel, stacked bars, fed by `$data`. */
  readonly panel: VizPanel;
}

/** Events over time: Grafana's time series panel, with the totals in words for screen readers. */
export class EventsChartScene extends SceneObjectBase<EventsChartState> {
  static Component = EventsChartRenderer;
}

function EventsChartRenderer({ model }: SceneComponentProps<EventsChartScene>): React.JSX.Element {
  const { panel, $data } = model.useState();
  const { data, request } = $data.useState();
  const styles = useStyles2(getStyles);
  const by = request.kind === 'counts' ? request.by : '';
  const error = data?.state === LoadingState.Error ? (data.errors?.[0]?.message ?? '') : undefined;
  return (
    // No landmark of its own: Grafana's panel inside is the region named "Events over time".
    <div className={styles.chart} data-testid={testIds.chart}>
      {error !== undefined ? (
        <Alert title="Could not load the chart" severity="warning">
          {error}
        </Alert>
      ) : (
        <div className={styles.panel}>
          <panel.Component model={panel} />
        </div>
      )}
      {data?.state === LoadingState.Done && (
        <div className={styles.hidden}>{chartSummary(totalsOf(data.series), by)}</div>
      )}
    </div>
  );
}

/** The chart in words: the total, then each series' total. */
export function chartSummary(totals: readonly SeriesTotal[], by: string): React.JSX.Element {
  const total = totals.reduce((n, t) => n + t.total, 0);
  return (
    <>
      <p>{`${total} events over time by ${by}`}</p>
      <ul aria-label={`Events by ${by}`}>
        {totals.map((t) => (
          <li key={t.name}>{`${t.name} (${t.total})`}</li>
        ))}
      </ul>
    </>
  );
}

const getStyles = () => ({
  chart: css({ position: 'relative' }),
  panel: css({ height: 240 }),
  hidden: css(visuallyHidden),
});
