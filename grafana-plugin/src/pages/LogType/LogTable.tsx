import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { Alert, Button, LoadingPlaceholder, useStyles2 } from '@grafana/ui';
import type { GrafanaTheme2 } from '@grafana/data';
import type { AuditRow } from '@auditlens/contract';
import { useApi } from '../../api/ApiContext';
import { errorMessage } from '../../api/errorMessage';
import { formatWhen } from '../../time/when';
import { testIds } from '../../testIds';
import { COLUMNS } from './columns';
import { EventDrawer } from './EventDrawer';
import type { LogViewProps } from './viewProps';
import { headerRules, tableRules } from '../../styles/table';

const PAGE_SIZE = 100;

interface Loaded {
  readonly rows: readonly AuditRow[];
  readonly cursor: string | null;
}

/** The events of the query, newest first, a page at a time; a row opens its detail drawer. */
export function LogTable({ logType, query, timeZone }: LogViewProps): React.JSX.Element {
  const api = useApi();
  const styles = useStyles2(getStyles);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [open, setOpen] = useState<AuditRow | null>(null);
  const key = JSON.stringify([logType, query]);

  useEffect(() => {
    let current = true;
    setLoaded(null);
    setError(null);
    api.logs(logType, { ...query, limit: PAGE_SIZE }).then(
      (res) => current && setLoaded({ rows: res.rows, cursor: res.nextCursor }),
      (e: unknown) => current && setError(errorMessage(e))
    );
    return () => {
      current = false;
    };
    // `key` is the query's identity; the object itself is new on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);

  const loadOlder = async (): Promise<void> => {
    if (!loaded?.cursor) return;
    setLoadingMore(true);
    try {
      const res = await api.logs(logType, { ...query, limit: PAGE_SIZE, cursor: loaded.cursor });
      setLoaded({ rows: [...loaded.rows, ...res.rows], cursor: res.nextCursor });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoadingMore(false);
    }
  };

  if (error && !loaded)
    return (
      <Alert title="Could not load audit logs" severity="error">
        {error}
      </Alert>
    );
  if (!loaded) return <LoadingPlaceholder text="Loading audit logs…" />;
  if (loaded.rows.length === 0)
    return (
      <p className={styles.empty} data-testid={testIds.emptyState}>
        No events match these filters in this time range.
      </p>
    );

  const columns = COLUMNS[logType];
  return (
    <div>
      <div className={styles.scroll}>
        <table className={styles.table} data-testid={testIds.logTable}>
          <thead>
            <tr>
              <th scope="col">When</th>
              {columns.map((c) => (
                <th scope="col" key={c.title}>
                  {c.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {loaded.rows.map((row) => (
              <tr key={row.id} onClick={() => setOpen(row)} className={styles.row}>
                <td>
                  <button
                    type="button"
                    className={styles.open}
                    aria-label={`Details of ${row.summary}`}
                    onClick={(e) => {
                      e.stopPropagation();
                      setOpen(row);
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
      {error && (
        <Alert title="Could not load older events" severity="error">
          {error}
        </Alert>
      )}
      <div className={styles.footer}>
        <span>
          {loaded.rows.length} event{loaded.rows.length === 1 ? '' : 's'} shown
        </span>
        {loaded.cursor && (
          <Button
            variant="secondary"
            onClick={loadOlder}
            disabled={loadingMore}
            icon={loadingMore ? 'spinner' : 'angle-down'}
          >
            Load older events
          </Button>
        )}
      </div>
      {open && <EventDrawer row={open} timeZone={timeZone} onClose={() => setOpen(null)} />}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
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
