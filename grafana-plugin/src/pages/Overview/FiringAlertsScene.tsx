import React from 'react';
import { css } from '@emotion/css';
import { Alert, Icon, LoadingPlaceholder, TextLink, useStyles2 } from '@grafana/ui';
import { LoadingState, dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import {
  SceneObjectBase,
  sceneGraph,
  type SceneComponentProps,
  type SceneObjectState,
} from '@grafana/scenes';
import type { GrafanaAlert } from '../../api/alerting';
import { ALERT_INSTANCES_READ } from '../../api/alerting';
import type { AuditQueryRunner } from '../../data/AuditQueryRunner';
import { recordsOf } from '../../data/frames/records';
import { testIds } from '../../testIds';
import { alertLink } from './alertLink';

interface FiringAlertsState extends SceneObjectState {
  /** The alerts runner; absent when the user's Grafana role may not list alert instances. */
  readonly $data?: AuditQueryRunner;
}

/** AuditLens's login-failure alerts firing now, each a link to the failed logins behind it. */
export class FiringAlertsScene extends SceneObjectBase<FiringAlertsState> {
  static Component = FiringAlertsRenderer;
}

function FiringAlertsRenderer({ model }: SceneComponentProps<FiringAlertsScene>): React.JSX.Element {
  const { $data } = model.useState();
  const styles = useStyles2(getStyles);
  return (
    <section
      className={styles.section}
      aria-labelledby="auditlens-firing-title"
      data-testid={testIds.firingAlerts}
    >
      <h2 id="auditlens-firing-title" className={styles.title}>
        Login-failure alerts firing now
      </h2>
      {$data ? (
        <FiringList runner={$data} timeZone={sceneGraph.getTimeRange(model).getTimeZone()} />
      ) : (
        <p className={styles.muted}>
          Your Grafana role may not list alert instances ({ALERT_INSTANCES_READ}); ask an administrator to see
          them here.
        </p>
      )}
    </section>
  );
}

function FiringList({ runner, timeZone }: { runner: AuditQueryRunner; timeZone: string }): React.JSX.Element {
  const { data } = runner.useState();
  const styles = useStyles2(getStyles);
  if (data?.state === LoadingState.Error)
    return (
      <Alert title="Could not read Grafana's alerts" severity="warning">
        {data.errors?.[0]?.message}
      </Alert>
    );
  if (!data || data.state === LoadingState.Loading) return <LoadingPlaceholder text="Loading alerts…" />;
  const alerts = recordsOf<GrafanaAlert>(data.series[0]);
  if (alerts.length === 0)
    return (
      <p className={styles.muted}>
        <Icon name="check-circle" className={styles.ok} /> None firing.
      </p>
    );
  return (
    <ul className={styles.list}>
      {alerts.map((alert) => (
        <li key={JSON.stringify(alert.labels)} className={styles.item}>
          <Icon name="exclamation-triangle" className={styles.firing} />
          <TextLink href={alertLink(alert)} inline>
            {alert.annotations['summary'] ?? alert.labels['alertname'] ?? 'Alert'}
          </TextLink>
          <span className={styles.muted}>since {dateTimeFormat(alert.activeAt, { timeZone })}</span>
        </li>
      ))}
    </ul>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  section: css({
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(2),
  }),
  title: css({ fontSize: theme.typography.h4.fontSize, margin: theme.spacing(0, 0, 1) }),
  list: css({ listStyle: 'none', padding: 0, margin: 0, display: 'grid', gap: theme.spacing(0.5) }),
  item: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), flexWrap: 'wrap' }),
  firing: css({ color: theme.colors.error.text }),
  ok: css({ color: theme.colors.success.text }),
  muted: css({ color: theme.colors.text.secondary, margin: 0 }),
});
