import React, { useEffect } from 'react';
import { css } from '@emotion/css';
import { Drawer, useStyles2 } from '@grafana/ui';
import type { GrafanaTheme2, TimeZone } from '@grafana/data';
import { LOG_TYPE_TITLES, type AuditRow } from '@auditlens/contract';
import { formatWhen } from '../../time/when';
import { testIds } from '../../testIds';
import { CHANGES_FIELD } from './columns';
import { ChangesDiff } from './ChangesDiff';
import { headerRules, tableRules } from '../../styles/table';

/** Every field of one event; for activity the before/after changes as a diff. */
export function EventDrawer({
  row,
  timeZone,
  onClose,
}: {
  row: AuditRow;
  timeZone: TimeZone;
  onClose: () => void;
}): React.JSX.Element {
  const styles = useStyles2(getStyles);
  const changes = row.fields[CHANGES_FIELD];
  // Grafana's Drawer does not close on Escape by itself, and its focus scope keeps the key from bubbling:
  // listen in the capture phase.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  const fields = Object.entries(row.fields)
    .filter(([k]) => k !== CHANGES_FIELD)
    .sort(([a], [b]) => a.localeCompare(b));
  return (
    <Drawer
      title={row.summary}
      subtitle={`${LOG_TYPE_TITLES[row.logType]} · ${formatWhen(row.time, timeZone)}`}
      onClose={onClose}
      size="md"
    >
      <div data-testid={testIds.eventDrawer}>
        {changes !== undefined && (
          <section aria-label="Before and after">
            <h4>Changes</h4>
            <ChangesDiff json={changes} />
          </section>
        )}
        <h4>Fields</h4>
        <table className={styles.table} aria-label="Event fields">
          <tbody>
            <tr>
              <th scope="row">time (UTC)</th>
              <td>{row.time}</td>
            </tr>
            <tr>
              <th scope="row">event id</th>
              <td>{row.id}</td>
            </tr>
            {fields.map(([k, v]) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Drawer>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css(tableRules(theme, 0.5), {
    wordBreak: 'break-word',
    'th, td': { verticalAlign: 'top' },
    th: { ...headerRules(theme), width: '35%' },
  }),
});
