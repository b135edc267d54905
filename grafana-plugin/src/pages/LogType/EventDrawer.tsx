import React, { useEffect, useId } from 'react';
import { css } from '@emotion/css';
import { ClipboardButton, ControlledCollapse, Drawer, useStyles2 } from '@grafana/ui';
import type { GrafanaTheme2, TimeZone } from '@grafana/data';
import { LOG_TYPE_TITLES, type AuditRow } from '@auditlens/contract';
import { formatWhen } from '../../time/when';
import { testIds } from '../../testIds';
import { headerRules, tableRules } from '../../styles/table';
import { CHANGES_FIELD } from './columns';
import { ChangesDiff } from './ChangesDiff';
import { labelledFields, rawFields } from './eventFields';
import { eventLink } from './eventLink';

/**
 * One event's details, in the words of the table: its fields with their labels, for activity the changes as
 * a diff, a link that opens these details for someone else, and Loki's raw fields folded away.
 */
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
  const link = eventLink(row);
  const linkId = useId();
  return (
    <Drawer
      title={row.summary}
      subtitle={`${LOG_TYPE_TITLES[row.logType]} · ${formatWhen(row.time, timeZone)}`}
      onClose={onClose}
      size="md"
    >
      <div data-testid={testIds.eventDrawer} className={styles.body}>
        <section aria-labelledby={linkId}>
          <h4 id={linkId} className={styles.heading}>
            Link to this event
          </h4>
          <div className={styles.link}>
            <a href={link} className={styles.url} data-testid={testIds.eventLink}>
              {link}
            </a>
            <ClipboardButton icon="copy" variant="secondary" size="sm" getText={() => link}>
              Copy link
            </ClipboardButton>
          </div>
        </section>
        {changes !== undefined && (
          <section aria-label="Before and after">
            <h4 className={styles.heading}>Changes</h4>
            <ChangesDiff json={changes} />
          </section>
        )}
        <section aria-label="Fields">
          <h4 className={styles.heading}>Fields</h4>
          <table className={styles.table} aria-label="Event fields">
            <tbody>
              <tr>
                <th scope="row">Event ID</th>
                <td>{row.id}</td>
              </tr>
              <tr>
                <th scope="row">Time (UTC)</th>
                <td>{row.time}</td>
              </tr>
              {labelledFields(row).map((f) => (
                <tr key={f.attribute}>
                  <th scope="row">{f.label}</th>
                  <td>{f.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <ControlledCollapse label="All fields" isOpen={false}>
          <p className={styles.hint}>As Loki stores them, for LogQL queries.</p>
          <table className={styles.table} aria-label="All fields by Loki name">
            <tbody>
              {rawFields(row).map(([name, value]) => (
                <tr key={name}>
                  <th scope="row" className={styles.raw}>
                    {name}
                  </th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ControlledCollapse>
      </div>
    </Drawer>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  body: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  heading: css({ fontSize: theme.typography.h5.fontSize }),
  link: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  url: css({
    flex: 1,
    minWidth: 0,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    color: theme.colors.text.link,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  table: css(tableRules(theme, 0.5), {
    wordBreak: 'break-word',
    'th, td': { verticalAlign: 'top' },
    th: { ...headerRules(theme), width: '35%' },
  }),
  raw: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  hint: css({ color: theme.colors.text.secondary, margin: theme.spacing(0, 0, 1) }),
});
