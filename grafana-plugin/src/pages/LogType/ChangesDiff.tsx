import React from 'react';
import { css } from '@emotion/css';
import { useStyles2 } from '@grafana/ui';
import type { GrafanaTheme2 } from '@grafana/data';
import { tableRules } from '../../styles/table';

/** One setting that differs between before and after; `undefined` where it did not exist. */
export interface Change {
  readonly key: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** The settings an activity event's `changes` JSON ({before, after}) shows as changed, in key order. */
export function diffChanges(json: string): readonly Change[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { before = {}, after = {} } = parsed as {
    before?: Record<string, unknown>;
    after?: Record<string, unknown>;
  };
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  return keys
    .map((key) => ({ key, before: before?.[key], after: after?.[key] }))
    .filter((c) => JSON.stringify(c.before) !== JSON.stringify(c.after));
}

function show(value: unknown): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Before/after of an activity event as a table of changed settings, removals and additions marked. */
export function ChangesDiff({ json }: { json: string }): React.JSX.Element {
  const styles = useStyles2(getStyles);
  const changes = diffChanges(json);
  if (changes === null) return <pre className={styles.raw}>{json}</pre>;
  if (changes.length === 0) return <p>No setting changed.</p>;
  return (
    <table className={styles.table} aria-label="Changes">
      <thead>
        <tr>
          <th scope="col">Setting</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.key}>
            <th scope="row">{c.key}</th>
            <td>{c.before === undefined ? '—' : <del className={styles.before}>{show(c.before)}</del>}</td>
            <td>{c.after === undefined ? '—' : <ins className={styles.after}>{show(c.after)}</ins>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css(tableRules(theme, 0.5)),
  before: css({ background: theme.colors.error.transparent, textDecoration: 'line-through' }),
  after: css({ background: theme.colors.success.transparent, textDecoration: 'none' }),
  raw: css({ whiteSpace: 'pre-wrap' }),
});
