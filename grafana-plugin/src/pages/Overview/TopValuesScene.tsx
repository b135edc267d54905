import React, { useId } from 'react';
import { css } from '@emotion/css';
import { Alert, LoadingPlaceholder, TextLink, useStyles2 } from '@grafana/ui';
import { LoadingState, type GrafanaTheme2 } from '@grafana/data';
import {
  SceneObjectBase,
  sceneGraph,
  type SceneComponentProps,
  type SceneObjectState,
} from '@grafana/scenes';
import { LOG_TYPE_SLUGS, type FilterField, type LogType } from '@auditlens/contract';
import type { AuditQueryRunner } from '../../data/AuditQueryRunner';
import { facetValuesOf } from '../../data/frames/facets';
import { testIds } from '../../testIds';
import { pageLink } from './pageLink';

interface TopValuesState extends SceneObjectState {
  readonly title: string;
  readonly logType: LogType;
  readonly field: FilterField;
  /** The filters the counts were taken under (failed logins), kept in each link. */
  readonly filters: Readonly<Record<string, string>>;
  /** Facet counts of `field` under `filters`, a few, most frequent first. */
  readonly $data: AuditQueryRunner;
}

/** The values of one field that occur most (the users failing to log in, the failing webhooks), as links. */
export class TopValuesScene extends SceneObjectBase<TopValuesState> {
  static Component = TopValuesRenderer;
}

function TopValuesRenderer({ model }: SceneComponentProps<TopValuesScene>): React.JSX.Element {
  const { title, logType, field, filters, $data } = model.useState();
  const { data } = $data.useState();
  const range = sceneGraph.getTimeRange(model).useState();
  const styles = useStyles2(getStyles);
  const headingId = useId();
  const values = facetValuesOf(data?.series[0]);
  let body: React.ReactNode;
  if (data?.state === LoadingState.Error)
    body = (
      <Alert title="Could not load" severity="warning">
        {data.errors?.[0]?.message}
      </Alert>
    );
  else if (!data || (data.state === LoadingState.Loading && values.length === 0))
    body = <LoadingPlaceholder text="Loading…" />;
  else if (values.length === 0) body = <p className={styles.muted}>None in this range.</p>;
  else
    body = (
      <ol className={styles.list}>
        {values.map((v) => (
          <li key={v.value} className={styles.item}>
            <TextLink href={pageLink(logType, range, { ...filters, [field.key]: v.value })} inline>
              {v.value}
            </TextLink>
            <span className={styles.count}>{v.count?.toLocaleString()}</span>
          </li>
        ))}
      </ol>
    );
  return (
    <section aria-labelledby={headingId} data-testid={testIds.topValues(LOG_TYPE_SLUGS[logType], field.key)}>
      <h3 id={headingId} className={styles.title}>
        {title}
      </h3>
      {body}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  title: css({
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    margin: 0,
  }),
  list: css({ listStyle: 'none', padding: 0, margin: theme.spacing(0.5, 0, 0) }),
  item: css({ display: 'flex', justifyContent: 'space-between', gap: theme.spacing(1) }),
  count: css({ color: theme.colors.text.secondary, fontVariantNumeric: 'tabular-nums' }),
  muted: css({ color: theme.colors.text.secondary, margin: 0 }),
});
