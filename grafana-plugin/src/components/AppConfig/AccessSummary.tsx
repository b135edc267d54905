import React from 'react';
import { css } from '@emotion/css';
import { Alert, FieldSet, useStyles2 } from '@grafana/ui';
import type { GrafanaTheme2 } from '@grafana/data';
import { LOG_TYPES, LOG_TYPE_TITLES, logTypePageUrl } from '@auditlens/contract';
import plugin from '../../plugin.json';
import { assignableRoles, permissionMatrix, type PluginRole } from '../../permissionMatrix';
import { testIds } from '../../testIds';

const ROLES = plugin.roles as PluginRole[];

/**
 * Who may do what in the app: the basic-role matrix `plugin.json` grants (all Grafana OSS has), the per-type roles
 * Enterprise and Cloud assign, and why the raw-Loki dashboards are not covered by either.
 */
export function AccessSummary(): React.JSX.Element {
  const styles = useStyles2(getStyles);
  const yes = (allowed: boolean, what: string) =>
    allowed ? <span aria-label={`may ${what}`}>✓</span> : <span aria-label={`may not ${what}`}>–</span>;
  return (
    <FieldSet label="Who sees what" data-testid={testIds.accessSummary}>
      <p>
        On Grafana OSS, roles cannot be given to single users or teams: the app&apos;s roles are granted to
        basic roles, and a grant to a role also reaches the roles above it.
      </p>
      <table className={styles.table} data-testid={testIds.permissionMatrix}>
        <thead>
          <tr>
            <th scope="col">Basic role</th>
            {LOG_TYPES.map((t) => (
              <th scope="col" key={t}>
                {LOG_TYPE_TITLES[t]}
              </th>
            ))}
            <th scope="col">Export</th>
          </tr>
        </thead>
        <tbody>
          {permissionMatrix(ROLES).map((row) => (
            <tr key={row.role}>
              <th scope="row">{row.role}</th>
              {LOG_TYPES.map((t) => (
                <td key={t}>{yes(row.read[t], `read ${LOG_TYPE_TITLES[t]}`)}</td>
              ))}
              <td>{yes(row.export, 'export')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        Grafana Enterprise and Cloud can give one log type to a user or team: assign{' '}
        {assignableRoles(ROLES).map((r, i) => (
          <React.Fragment key={r.role.name}>
            {i > 0 && ', '}
            <strong>{r.role.name}</strong>
          </React.Fragment>
        ))}{' '}
        under Administration → Users and access.
      </p>
      <Alert severity="warning" title="Dashboards on the Loki data source show every log type">
        The dashboards this app imports (tagged <em>auditlens</em>) query Loki directly, past these per-type
        permissions: anyone who may query the Loki data source reads every audit log, in a dashboard or in
        Explore, and on Grafana OSS every member of the organisation may query every data source. Keep the
        Loki data source, the dashboards and the alert rules out of this organisation: the compose stack puts
        them in the organisation <em>AuditLens Ops</em> for the people who may read all types
        (provisioning/bootstrap/ops-org.sh, which works on any Grafana); on Enterprise and Cloud, data source
        permissions (<em>Query</em> on the Loki data source for those people only) do it too. The app&apos;s
        own pages check each log type:{' '}
        {LOG_TYPES.map((t, i) => (
          <React.Fragment key={t}>
            {i > 0 && ', '}
            <a className={styles.link} href={logTypePageUrl(t)}>
              {LOG_TYPE_TITLES[t]}
            </a>
          </React.Fragment>
        ))}
        .
      </Alert>
    </FieldSet>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    borderCollapse: 'collapse',
    marginBottom: theme.spacing(2),
    'th, td': { padding: theme.spacing(0.5, 1.5), borderBottom: `1px solid ${theme.colors.border.weak}` },
    'td, thead th': { textAlign: 'center' },
  }),
  link: css({ color: theme.colors.text.link, textDecoration: 'underline' }),
});
