import React from 'react';
import { css } from '@emotion/css';
import { Alert, LoadingPlaceholder, TextLink, useStyles2 } from '@grafana/ui';
import { LoadingState, type GrafanaTheme2 } from '@grafana/data';
import {
  SceneObjectBase,
  sceneGraph,
  type SceneComponentProps,
  type SceneObjectState,
  type VizPanel,
} from '@grafana/scenes';
import { LOG_TYPE_SLUGS, LOG_TYPE_TITLES, type LogType } from '@auditlens/contract';
import type { AuditQueryRunner } from '../../data/AuditQueryRunner';
import { totalsOf } from '../../data/frames/counts';
import { chartSummary } from '../LogType/EventsChartScene';
import { visuallyHidden } from '../../styles/visuallyHidden';
import { testIds } from '../../testIds';
import { pageLink } from './pageLink';
import type { TopValuesScene } from './TopValuesScene';

interface LogTypeTileState extends SceneObjectState {
  readonly logType: LogType;
  /** Counts by outcome over the range. */
  readonly $data: AuditQueryRunner;
  /** Grafana's time series panel of those counts, small. */
  readonly chart: VizPanel;
  /** What is unusual for this type: who fails to log in, which webhooks fail most. */
  readonly tops: readonly TopValuesScene[];
}

/** One log type at a glance: its total, its failures, a small chart, and the names that stand out. */
export class LogTypeTileScene extends SceneObjectBase<LogTypeTileState> {
  static Component = LogTypeTileRenderer;
}

/** The total and the failures of a counts-by-outcome answer. */
export function tileCounts(totals: ReadonlyArray<{ name: string; total: number }>): {
  total: number;
  failures: number;
} {
  return {
    total: totals.reduce((n, t) => n + t.total, 0),
    failures: totals.find((t) => t.name === 'failure')?.total ?? 0,
  };
}

function LogTypeTileRenderer({ model }: SceneComponentProps<LogTypeTileScene>): React.JSX.Element {
  const { logType, $data, chart, tops } = model.useState();
  const { data } = $data.useState();
  const range = sceneGraph.getTimeRange(model).useState();
  const styles = useStyles2(getStyles);
  const totals = totalsOf(data?.series ?? []);
  const { total, failures } = tileCounts(totals);
  const link = pageLink(logType, range);
  let counts: React.ReactNode;
  if (data?.state === LoadingState.Error)
    counts = (
      <Alert title="Could not load" severity="warning">
        {data.errors?.[0]?.message}
      </Alert>
    );
  else if (data?.state !== LoadingState.Done) counts = <LoadingPlaceholder text="Loading…" />;
  else
    counts = (
      <>
        <p className={styles.count}>
          <strong>{total.toLocaleString()}</strong> events
        </p>
        {logType === 'access' && (
          <p className={styles.failures}>
            <TextLink href={pageLink(logType, range, { action: 'login_failed' })} inline>
              {`${failures.toLocaleString()} failed logins`}
            </TextLink>
          </p>
        )}
        <div className={styles.hidden}>{chartSummary(totals, 'outcome')}</div>
      </>
    );
  return (
    <section
      className={styles.tile}
      data-testid={testIds.tile(LOG_TYPE_SLUGS[logType])}
      aria-label={LOG_TYPE_TITLES[logType]}
    >
      <h2 className={styles.title}>
        <TextLink href={link} inline={false}>
          {LOG_TYPE_TITLES[logType]}
        </TextLink>
      </h2>
      {counts}
      <div className={styles.chart}>
        <chart.Component model={chart} />
      </div>
      {tops.length > 0 && (
        <div className={styles.tops}>
          {tops.map((top) => (
            <top.Component key={top.state.key} model={top} />
          ))}
        </div>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  tile: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1),
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
    minWidth: 0,
  }),
  title: css({ fontSize: theme.typography.h4.fontSize, margin: 0 }),
  count: css({ fontSize: theme.typography.h3.fontSize, margin: 0 }),
  failures: css({ margin: 0 }),
  chart: css({ height: 110 }),
  tops: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(140px, 1fr))',
    gap: theme.spacing(2),
  }),
  hidden: css(visuallyHidden),
});
