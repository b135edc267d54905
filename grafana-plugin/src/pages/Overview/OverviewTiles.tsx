import React from 'react';
import { css } from '@emotion/css';
import { Alert, LoadingPlaceholder, TextLink, useStyles2 } from '@grafana/ui';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  SceneObjectBase,
  sceneGraph,
  type SceneComponentProps,
  type SceneObjectState,
} from '@grafana/scenes';
import { LOG_TYPE_SLUGS, LOG_TYPE_TITLES, type FacetsResponse, type LogType } from '@auditlens/contract';
import { useApi } from '../../api/ApiContext';
import type { AuditLensApi } from '../../api/client';
import { useAsync } from '../../hooks/useAsync';
import { ROUTES, prefixRoute } from '../../constants';
import { chartStep } from '../../time/when';
import { testIds } from '../../testIds';

interface OverviewTilesState extends SceneObjectState {
  /** Only the log types the user may read get a tile, and only their routes are called. */
  readonly readable: readonly LogType[];
}

/** What a tile shows beside the total: failed logins for access, the top names for failures. */
const DETAIL: Partial<Record<LogType, { title: string; field: string }>> = {
  webhook_failure: { title: 'Top failing webhooks', field: 'webhook' },
  integration_failure: { title: 'Top failing integrations', field: 'integration' },
};

interface TileData {
  readonly total: number;
  readonly failures: number;
  readonly top: FacetsResponse['values'];
}

async function loadTile(api: AuditLensApi, logType: LogType, from: number, to: number): Promise<TileData> {
  const query = { from, to, filters: {} };
  const detail = DETAIL[logType];
  const [stats, facets] = await Promise.all([
    api.stats(logType, 'outcome', query, chartStep(from, to)),
    detail ? api.facets(logType, detail.field, from, to) : Promise.resolve(null),
  ]);
  const sum = (name?: string) =>
    stats.series
      .filter((s) => !name || s.name === name)
      .reduce((n, s) => n + s.points.reduce((m, [, c]) => m + c, 0), 0);
  return { total: sum(), failures: sum('failure'), top: facets?.values.slice(0, 5) ?? [] };
}

/** Counts per readable log type over the scene's time range, with links to their pages. */
export class OverviewTiles extends SceneObjectBase<OverviewTilesState> {
  static Component = OverviewTilesRenderer;
}

function OverviewTilesRenderer({ model }: SceneComponentProps<OverviewTiles>): React.JSX.Element {
  const { readable } = model.useState();
  const { value: range } = sceneGraph.getTimeRange(model).useState();
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.grid} data-testid={testIds.overview}>
      {readable.map((t) => (
        <Tile key={t} logType={t} from={range.from.valueOf()} to={range.to.valueOf()} />
      ))}
    </div>
  );
}

function Tile({ logType, from, to }: { logType: LogType; from: number; to: number }): React.JSX.Element {
  const api = useApi();
  const styles = useStyles2(getStyles);
  const state = useAsync(() => loadTile(api, logType, from, to), [api, logType, from, to]);
  const link = `${prefixRoute(ROUTES.logType(logType))}?from=${from}&to=${to}`;
  const detail = DETAIL[logType];
  return (
    <section
      className={styles.tile}
      data-testid={testIds.tile(LOG_TYPE_SLUGS[logType])}
      aria-label={LOG_TYPE_TITLES[logType]}
    >
      <h3 className={styles.title}>
        <TextLink href={link} inline={false}>
          {LOG_TYPE_TITLES[logType]}
        </TextLink>
      </h3>
      {state.status === 'loading' && <LoadingPlaceholder text="Loading…" />}
      {state.status === 'error' && (
        <Alert title="Could not load" severity="warning">
          {state.error}
        </Alert>
      )}
      {state.status === 'ready' && (
        <>
          <p className={styles.count}>
            <strong>{state.value.total.toLocaleString()}</strong> events
          </p>
          {logType === 'access' && (
            <p>
              <TextLink href={`${link}&action=login_failed`} inline>
                {`${state.value.failures.toLocaleString()} failed logins`}
              </TextLink>
            </p>
          )}
          {detail && (
            <>
              <h4 className={styles.subtitle}>{detail.title}</h4>
              {state.value.top.length === 0 ? (
                <p className={styles.muted}>None in this range.</p>
              ) : (
                <ol className={styles.list}>
                  {state.value.top.map((v) => (
                    <li key={v.value}>
                      <TextLink href={`${link}&${detail.field}=${encodeURIComponent(v.value)}`} inline>
                        {v.value}
                      </TextLink>{' '}
                      <span className={styles.muted}>{v.count}</span>
                    </li>
                  ))}
                </ol>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))',
    gap: theme.spacing(2),
    width: '100%',
  }),
  tile: css({
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
  }),
  title: css({ fontSize: theme.typography.h4.fontSize }),
  subtitle: css({ fontSize: theme.typography.body.fontSize, marginTop: theme.spacing(1) }),
  count: css({ fontSize: theme.typography.h3.fontSize, margin: theme.spacing(1, 0) }),
  list: css({ paddingLeft: theme.spacing(2), margin: 0 }),
  muted: css({ color: theme.colors.text.secondary }),
});
