import React, { useState } from 'react';
import { css } from '@emotion/css';
import { Alert, LoadingPlaceholder, RadioButtonGroup, useStyles2, useTheme2 } from '@grafana/ui';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { STATS_SPLITS, type StatsResponse, type StatsSplit } from '@auditlens/contract';
import { useApi } from '../../api/ApiContext';
import { useAsync } from '../../hooks/useAsync';
import { chartStep } from '../../time/when';
import { testIds } from '../../testIds';
import type { LogViewProps } from './viewProps';

const SPLIT_OPTIONS = STATS_SPLITS.map((s) => ({ label: `By ${s}`, value: s }));
const HEIGHT = 120;

interface Bar {
  readonly at: number;
  readonly parts: ReadonlyArray<{ readonly name: string; readonly count: number }>;
  readonly total: number;
}

/** Stacks the series into one bar per step, oldest first. */
function toBars(stats: StatsResponse): readonly Bar[] {
  const byTime = new Map<number, Array<{ name: string; count: number }>>();
  for (const s of stats.series)
    for (const [at, count] of s.points) {
      const parts = byTime.get(at) ?? [];
      parts.push({ name: s.name, count });
      byTime.set(at, parts);
    }
  return [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, parts]) => ({ at, parts, total: parts.reduce((n, p) => n + p.count, 0) }));
}

/** Events over time as stacked bars, split by action or by outcome. */
export function EventsChart({ logType, query, timeZone }: LogViewProps): React.JSX.Element {
  const api = useApi();
  const theme = useTheme2();
  const styles = useStyles2(getStyles);
  const [split, setSplit] = useState<StatsSplit>('action');
  const state = useAsync(
    () => api.stats(logType, split, query, chartStep(query.from, query.to)),
    [api, logType, split, JSON.stringify(query)]
  );

  let body: React.ReactNode;
  if (state.status === 'loading') body = <LoadingPlaceholder text="Loading chart…" />;
  else if (state.status === 'error')
    body = (
      <Alert title="Could not load the chart" severity="warning">
        {state.error}
      </Alert>
    );
  else {
    const names = state.value.series.map((s) => s.name);
    const color = (name: string) =>
      theme.visualization.getColorByName(
        theme.visualization.palette[names.indexOf(name) % theme.visualization.palette.length]!
      );
    const bars = toBars(state.value);
    const max = Math.max(1, ...bars.map((b) => b.total));
    const total = bars.reduce((n, b) => n + b.total, 0);
    // One slot per step across the whole range, so quiet periods show as gaps.
    const stepMs = state.value.step * 1000;
    const width = Math.max(1, Math.ceil((query.to - query.from) / stepMs));
    const slot = (at: number) => Math.min(width - 1, Math.max(0, Math.floor((at - query.from) / stepMs)));
    body =
      total === 0 ? (
        <p className={styles.empty}>No events in this time range.</p>
      ) : (
        <>
          <svg
            role="img"
            aria-label={`${total} events over time by ${split}`}
            viewBox={`0 0 ${width} ${HEIGHT}`}
            preserveAspectRatio="none"
            className={styles.svg}
          >
            {bars.map((bar) => {
              const x = slot(bar.at);
              let y = HEIGHT;
              return (
                <g key={bar.at}>
                  <title>{`${dateTimeFormat(bar.at, { timeZone })}: ${bar.parts.map((p) => `${p.name} ${p.count}`).join(', ')}`}</title>
                  {bar.parts.map((p) => {
                    const h = (p.count / max) * HEIGHT;
                    y -= h;
                    return (
                      <rect key={p.name} x={x + 0.1} width={0.8} y={y} height={h} fill={color(p.name)} />
                    );
                  })}
                </g>
              );
            })}
          </svg>
          <div className={styles.axis} aria-hidden>
            <span>{dateTimeFormat(query.from, { timeZone })}</span>
            <span>{dateTimeFormat(query.to, { timeZone })}</span>
          </div>
          <ul className={styles.legend} aria-label="Legend">
            {state.value.series.map((s) => (
              <li key={s.name}>
                <span className={styles.swatch} style={{ background: color(s.name) }} />
                {s.name} ({s.points.reduce((n, [, c]) => n + c, 0)})
              </li>
            ))}
          </ul>
        </>
      );
  }

  return (
    <section className={styles.chart} data-testid={testIds.chart} aria-label="Events over time">
      <div className={styles.header}>
        <h3 className={styles.title}>Events over time</h3>
        <RadioButtonGroup size="sm" options={SPLIT_OPTIONS} value={split} onChange={setSplit} />
      </div>
      {body}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  chart: css({
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1, 2),
    marginBottom: theme.spacing(2),
  }),
  header: css({ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }),
  title: css({ fontSize: theme.typography.h5.fontSize, margin: 0 }),
  svg: css({ width: '100%', height: HEIGHT, display: 'block', marginTop: theme.spacing(1) }),
  axis: css({
    display: 'flex',
    justifyContent: 'space-between',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    listStyle: 'none',
    padding: 0,
    margin: theme.spacing(1, 0, 0),
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  swatch: css({
    display: 'inline-block',
    width: 10,
    height: 10,
    borderRadius: 2,
    marginRight: theme.spacing(0.5),
  }),
  empty: css({ color: theme.colors.text.secondary }),
});
