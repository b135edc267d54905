import React, { useCallback, useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { Alert, Badge, Button, LoadingPlaceholder, TextLink, useStyles2, type BadgeColor } from '@grafana/ui';
import type { GrafanaTheme2 } from '@grafana/data';
import { LOG_TYPE_TITLES, type ExportJob, type ExportStatus } from '@auditlens/contract';
import { config } from '@grafana/runtime';
import { useApi } from '../../api/ApiContext';
import { errorMessage } from '../../api/errorMessage';
import { AppPage } from '../../components/AppPage/AppPage';
import { formatWhen } from '../../time/when';
import { testIds } from '../../testIds';
import { headerRules, tableRules } from '../../styles/table';

/** How often the list refreshes while an export is still on its way. */
export const POLL_MS = 3000;

const STATUS_COLOR: Record<ExportStatus, BadgeColor> = {
  queued: 'blue',
  running: 'blue',
  sending: 'blue',
  waiting_for_mail: 'orange',
  done: 'green',
  failed: 'red',
};

const STATUS_TEXT: Record<ExportStatus, string> = {
  queued: 'queued',
  running: 'running',
  sending: 'sending',
  waiting_for_mail: 'waiting for the mail server',
  done: 'done',
  failed: 'failed',
};

const inFlight = (job: ExportJob): boolean => job.status !== 'done' && job.status !== 'failed';

/** The mail can be asked for again while the file lives, unless it is being sent right now. */
const canResend = (job: ExportJob): boolean => job.downloadable && job.status !== 'sending';

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
  const [resendError, setResendError] = useState<string | null>(null);
  // Bumped after a mail is asked for again, so the list reloads and polls while it is on its way.
  const [reload, setReload] = useState(0);
  const timeZone = config.bootData.user.timezone || 'browser';

  const resend = useCallback(
    (id: string): void => {
      setResendError(null);
      api.resendMail(id).then(
        () => setReload((n) => n + 1),
        (e: unknown) => setResendError(errorMessage(e))
      );
    },
    [api]
  );

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
  }, [api, reload]);

  return (
    <AppPage>
      <div data-testid={testIds.exportsPage}>
        {error && (
          <Alert title="Could not load your exports" severity="error">
            {error}
          </Alert>
        )}
        {resendError && (
          <Alert title="Could not ask for the mail again" severity="error">
            {resendError}
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
                      text={STATUS_TEXT[job.status]}
                      color={STATUS_COLOR[job.status]}
                      icon={inFlight(job) ? 'spinner' : undefined}
                    />
                    {job.error && <div className={styles.error}>{job.error}</div>}
                  </td>
                  <td>{job.rows.toLocaleString()}</td>
                  <td>{job.bytes ? size(job.bytes) : ''}</td>
                  <td>
                    {job.downloadable ? (
                      <div className={styles.fileActions}>
                        <TextLink href={api.downloadUrl(job.id)} external={false} icon="download-alt">
                          Download
                        </TextLink>
                        {canResend(job) && (
                          <Button
                            size="sm"
                            variant="secondary"
                            icon="envelope"
                            onClick={() => resend(job.id)}
                            data-testid={testIds.resendMail(job.id)}
                          >
                            {job.status === 'waiting_for_mail' ? 'Send now' : 'Send again'}
                          </Button>
                        )}
                      </div>
                    ) : job.status === 'done' || job.expiresAt ? (
                      <span className={styles.muted}>expired</span>
                    ) : null}
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
  fileActions: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  error: css({ color: theme.colors.error.text, fontSize: theme.typography.bodySmall.fontSize }),
});
