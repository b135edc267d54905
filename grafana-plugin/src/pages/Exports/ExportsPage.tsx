import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { Alert, Badge, LoadingPlaceholder, TextLink, useStyles2, type BadgeColor } from '@grafana/ui';
import type { GrafanaTheme2 } from '@grafana/data';
import { LOG_TYPE_TITLES, type ExportJob, type ExportStatus } from '@auditlens/contract';
import { config } from '@grafana/runtime';
import { useApi } from '../../api/ApiContext';
import { errorMessage } from '../../api/errorMessage';
import { AppPage } from '../../components/AppPage/AppPage';
import { ExportIntegrity, useExportIntegrity } from '../../components/IntegrityLine/ExportIntegrity';
import { formatWhen } from '../../time/when';
import { testIds } from '../../testIds';
import { headerRules, tableRules } from '../../styles/table';

/** How often the list refreshes while an export is still on its way. */
export const POLL_MS = 3000;

const STATUS_COLOR: Record<ExportStatus, BadgeColor> = {
  queued: 'blue',
  running: 'blue',
  sending: 'blue',
  done: 'green',
  failed: 'red',
};

const inFlight = (job: ExportJob): boolean => job.status !== 'done' && job.status !== 'failed';

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** "My exports": the user's exports, newest first, refreshed live while any is in flight. */
export function ExportsPage(): React.JSX.Element {
  const api = useApi();
  const styles = useStyles2(getStyles);
  const [jobs, setJobs] = useState<readonly ExportJob[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timeZone = config.bootData.user.timezone || 'browser';
  const integrity = useExportIntegrity(jobs);

  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (): void => {
      api.exports().then(
        (list) => {
          if (!current) return;
          setJobs(list);
          setError(null);
          if (list.some(inFlight)) timer = setTimeout(load, POLL_MS);
        },
        (e: unknown) => current && setError(errorMessage(e))
      );
    };
    load();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api]);

  return (
    <AppPage>
      <div data-testid={testIds.exportsPage}>
        {error && (
          <Alert title="Could not load your exports" severity="error">
            {error}
          </Alert>
        )}
        {!jobs && !error && <LoadingPlaceholder text="Loading your exports…" />}
        {jobs && jobs.length === 0 && (
          <p className={styles.muted}>
            No exports yet. Use Export on a log page; the file is emailed to you.
          </p>
        )}
        {jobs && jobs.length > 0 && (
          <table className={styles.table} aria-label="My exports">
            <thead>
              <tr>
                <th scope="col">Requested</th>
                <th scope="col">Log type</th>
                <th scope="col">Range</th>
                <th scope="col">Format</th>
                <th scope="col">Status</th>
                <th scope="col">Rows</th>
                <th scope="col">Size</th>
                <th scope="col">File</th>
                <th scope="col">Integrity</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id} data-testid={testIds.exportRow(job.id)}>
                  <td>{formatWhen(job.createdAt, timeZone)}</td>
                  <td>{LOG_TYPE_TITLES[job.logType]}</td>
                  <td>
                    {formatWhen(job.from, timeZone)} – {formatWhen(job.to, timeZone)}
                  </td>
                  <td>{job.format.toUpperCase()}</td>
                  <td>
                    <Badge
                      text={job.status}
                      color={STATUS_COLOR[job.status]}
                      icon={inFlight(job) ? 'spinner' : undefined}
                    />
                    {job.error && <div className={styles.error}>{job.error}</div>}
                  </td>
                  <td>{job.rows.toLocaleString()}</td>
                  <td>{job.bytes ? size(job.bytes) : ''}</td>
                  <td>
                    {job.downloadable ? (
                      <TextLink href={api.downloadUrl(job.id)} external={false} icon="download-alt">
                        Download
                      </TextLink>
                    ) : job.status === 'done' ? (
                      <span className={styles.muted}>expired</span>
                    ) : null}
                  </td>
                  <td>
                    <ExportIntegrity job={job} summary={integrity[job.id]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </AppPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css(tableRules(theme, 0.75), { th: headerRules(theme) }),
  muted: css({ color: theme.colors.text.secondary }),
  error: css({ color: theme.colors.error.text, fontSize: theme.typography.bodySmall.fontSize }),
});
