import React from 'react';
import { css } from '@emotion/css';
import { Icon, Spinner, TextLink, useStyles2, type IconName } from '@grafana/ui';
import type { GrafanaTheme2 } from '@grafana/data';
import type { LogType } from '@auditlens/contract';
import { useApi } from '../../api/ApiContext';
import { useAsync } from '../../hooks/useAsync';
import { prefixRoute, ROUTES } from '../../constants';
import { testIds } from '../../testIds';
import { integrityText, problemWindow, statusTone } from './integritySummary';

const ICONS: Record<ReturnType<typeof statusTone>, IconName> = {
  success: 'check-circle',
  info: 'info-circle',
  error: 'exclamation-triangle',
};

/**
 * One line over a log page: whether every record of the log type in the chosen range is there, unaltered and
 * signed (the export service's verification of the hash chains), with a link to the first problem.
 */
export function IntegrityLine({
  logType,
  from,
  to,
}: {
  logType: LogType;
  from: number;
  to: number;
}): React.JSX.Element {
  const api = useApi();
  const styles = useStyles2(getStyles);
  const state = useAsync(() => api.integrity(logType, from, to), [api, logType, from, to]);

  if (state.status === 'loading')
    return (
      <div className={styles.line} data-testid={testIds.integrityLine} aria-busy="true">
        <Spinner inline /> Verifying the audit trail of this range…
      </div>
    );
  if (state.status === 'error')
    return (
      <div className={styles.line} data-testid={testIds.integrityLine}>
        <Icon name="question-circle" /> Integrity not verified: {state.error}
      </div>
    );
  const report = state.value;
  const tone = statusTone(report.status);
  const first = report.problems[0];
  const window = first ? problemWindow(first) : undefined;
  return (
    <div className={`${styles.line} ${styles[tone]}`} data-testid={testIds.integrityLine} role="status">
      <Icon name={ICONS[tone]} />
      <span>{integrityText(report)}</span>
      {first && (
        <span className={styles.first}>
          First: {first.message}
          {window && (
            <>
              {' '}
              <TextLink
                href={`${prefixRoute(ROUTES.logType(logType))}?from=${window.from}&to=${window.to}`}
                inline
                external={false}
              >
                Show
              </TextLink>
            </>
          )}
        </span>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  line: css({
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
  }),
  success: css({ color: theme.colors.success.text }),
  info: css({ color: theme.colors.text.secondary }),
  error: css({ color: theme.colors.error.text }),
  first: css({ color: theme.colors.text.primary }),
});
