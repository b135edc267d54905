import type { GrafanaTheme2 } from '@grafana/data';

/** The look every table of the app shares: full width, ruled rows, left-aligned; `rowPadding` in grid units. */
export function tableRules(theme: GrafanaTheme2, rowPadding: number) {
  return {
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(rowPadding, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
    },
  } as const;
}

/** Header cells set apart from values, as Grafana's tables do. */
export function headerRules(theme: GrafanaTheme2) {
  return { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium } as const;
}
