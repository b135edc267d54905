// Grafana's page chrome for plugin pages, as `PluginPage` of @grafana/runtime renders in Grafana (runtime's
// default renders only the children; Grafana sets its own at start-up, public/app/core/components/Page/
// PluginPage.tsx over Page.tsx and PageHeader.tsx): the title from `pageNav` as the page's h1, the subtitle
// under it, the actions beside it, then the page.
import React from 'react';
import { css } from '@emotion/css';
import { useStyles2 } from '@grafana/ui';
import type { GrafanaTheme2 } from '@grafana/data';
import type { PluginPageProps } from '@grafana/runtime';

/** Grafana's page header and body around a plugin page. */
export function PluginPageDouble({
  pageNav,
  subTitle,
  actions,
  children,
}: PluginPageProps): React.JSX.Element {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.page}>
      {pageNav && (
        <header className={styles.header}>
          <div>
            <h1 className={styles.title}>{pageNav.text}</h1>
            {subTitle && <div className={styles.subTitle}>{subTitle}</div>}
          </div>
          {actions}
        </header>
      )}
      {children}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  header: css({ display: 'flex', justifyContent: 'space-between', gap: theme.spacing(2) }),
  title: css({ margin: 0 }),
  subTitle: css({ color: theme.colors.text.secondary, marginTop: theme.spacing(1) }),
});
