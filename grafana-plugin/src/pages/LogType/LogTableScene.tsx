import React from 'react';
import { css } from '@emotion/css';
import { Alert, Button, LoadingBar, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import { LoadingState, type GrafanaTheme2, type TimeZone } from '@grafana/data';
import {
  SceneObjectBase,
  sceneGraph,
  type SceneComponentProps,
  type SceneObjectState,
} from '@grafana/scenes';
import { LOG_TYPE_TITLES, TIME_LABEL, type AuditRow, type LogType } from '@auditlens/contract';
import { GettingStarted } from '../../components/GettingStarted/GettingStarted';
import type { AuditQueryRunner } from '../../data/AuditQueryRunner';
import { nextCursorOf, rowsOf } from '../../data/frames/rows';
import { formatWhen } from '../../time/when';
import { testIds } from '../../testIds';
import { headerRules, tableRules } from '../../styles/table';
import { AuditLogView } from './AuditLogView';
import { COLUMNS } from './columns';
import { EventDrawer } from './EventDrawer';

interface LogTableState extends SceneObjectState {
  readonly logType: LogType;
  /** Rows of the page's range and filters, a page at a time. */
  readonly $data: AuditQueryRunner;
}

/** The events of the page, newest first, a page at a time; a row opens its details in a drawer. */
export class LogTableScene extends SceneObjectBase<LogTableState> {
  static Component = LogTableRenderer;

  /** The page body whose filters and open event this table shows. */
  view(): AuditLogView {
    return sceneGraph.getAncestor(this, AuditLogView);
  }
}

function LogTableRenderer({ model }: SceneComponentProps<LogTableScene>): React.JSX.Element {
  const { logType, $data } = model.useState();
  const { data, loadingMore } = $data.useState();
  const view = model.view();
  const { event, filters, q } = view.useState();
  const timeZone = sceneGraph.getTimeRange(model).getTimeZone();
  const styles = useStyles2(getStyles);

  const frame = data?.series[0];
  const error = data?.state === LoadingState.Error ? (data.errors?.[0]?.message ?? '') : undefined;
  if (!frame && error !== undefined)
    return (
      <Alert title="Could not load audit logs" severity="error">
        {error}
      </Alert>
    );
  if (!frame) return <LoadingPlaceholder text="Loading audit logs…" />;
  const rows = rowsOf(frame);
  const open = event ? rows.find((r) => r.id === event) : undefined;
  const settled = data?.state === LoadingState.Done || data?.state === LoadingState.Error;
  const missing = event && !open && settled;
  const filtered = q !== '' || Object.values(filters).some((v) => v !== '');

  return (
    <div className={styles.wrapper}>
      {data?.state === LoadingState.Loading && <LoadingBar width={400} ariaLabel="Loading audit logs" />}
      {missing && (
        <Alert
          title="The linked event is not in this view"
          severity="info"
          onRemove={() => view.setEvent(undefined)}
        >
          Widen the time range or clear filters to find it.
        </Alert>
      )}
      {rows.length === 0 ? (
        <EmptyRows logType={logType} filtered={filtered} />
      ) : (
        <RowsTable
          logType={logType}
          rows={rows}
          timeZone={timeZone}
          onOpen={(row) => view.setEvent(row.id)}
        />
      )}
      {error !== undefined && (
        <Alert title="Could not load older events" severity="error">
          {error}
        </Alert>
      )}
      {rows.length > 0 && (
        <div className={styles.footer}>
          <span>
            {rows.length} event{rows.length === 1 ? '' : 's'} shown
          </span>
          {nextCursorOf(frame) && (
            <Button
              variant="secondary"
              onClick={() => $data.loadMore()}
              disabled={loadingMore}
              icon={loadingMore ? 'spinner' : 'angle-down'}
            >
              Load older events
            </Button>
          )}
        </div>
      )}
      {open && <EventDrawer row={open} timeZone={timeZone} onClose={() => view.setEvent(undefined)} />}
    </div>
  );
}

function EmptyRows({ logType, filtered }: { logType: LogType; filtered: boolean }): React.JSX.Element {
  const styles = useStyles2(getStyles);
  if (filtered)
    return (
      <p className={styles.empty} data-testid={testIds.emptyState}>
        No events match these filters in this time range.
      </p>
    );
  return (
    <div data-testid={testIds.emptyState}>
      <GettingStarted title={`No ${LOG_TYPE_TITLES[logType].toLowerCase()} in this time range`} />
    </div>
  );
}

function RowsTable({
  logType,
  rows,
  timeZone,
  onOpen,
}: {
  logType: LogType;
  rows: readonly AuditRow[];
  timeZone: TimeZone;
  onOpen: (row: AuditRow) => void;
}): React.JSX.Element {
  const styles = useStyles2(getStyles);
  const columns = COLUMNS[logType];
  return (
    <div className={styles.scroll}>
      <table className={styles.table} data-testid={testIds.logTable} aria-label={LOG_TYPE_TITLES[logType]}>
        <thead>
          <tr>
            <th scope="col">{TIME_LABEL}</th>
            {columns.map((c) => (
              <th scope="col" key={c.title}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} onClick={() => onOpen(row)} className={styles.row}>
              <td>
                <button
                  type="button"
                  className={styles.open}
                  aria-label={`Details of ${row.summary} at ${formatWhen(row.time, timeZone)}`}
                  onClick={(e) => {
                    e.stopPropagation();
                    onOpen(row);
                  }}
                >
                  {formatWhen(row.time, timeZone)}
                </button>
              </td>
              {columns.map((c) => (
                <td key={c.title}>{c.value(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ position: 'relative' }),
  scroll: css({ overflowX: 'auto' }),
  table: css(tableRules(theme, 0.75), {
    fontSize: theme.typography.bodySmall.fontSize,
    th: { ...headerRules(theme), whiteSpace: 'nowrap' },
  }),
  row: css({ cursor: 'pointer', '&:hover': { background: theme.colors.action.hover } }),
  open: css({
    background: 'none',
    border: 'none',
    padding: 0,
    color: theme.colors.text.link,
    cursor: 'pointer',
    whiteSpace: 'nowrap',
    fontVariantNumeric: 'tabular-nums',
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}` },
  }),
  footer: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginTop: theme.spacing(1),
    color: theme.colors.text.secondary,
  }),
  empty: css({ padding: theme.spacing(4), textAlign: 'center', color: theme.colors.text.secondary }),
});
