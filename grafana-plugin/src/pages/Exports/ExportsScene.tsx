import React, { useCallback, useState } from 'react';
import { css } from '@emotion/css';
import { Alert, Badge, Button, LoadingPlaceholder, TextLink, useStyles2, type BadgeColor } from '@grafana/ui';
import { LoadingState, type GrafanaTheme2 } from '@grafana/data';
import { LOG_TYPE_TITLES, type ExportJob, type ExportStatus } from '@auditlens/contract';
import { config } from '@grafana/runtime';
import { SceneObjectBase, type SceneComponentProps, type SceneObjectState } from '@grafana/scenes';
import { useApi } from '../../api/ApiContext';
import { errorMessage } from '../../api/errorMessage';
import type { AuditQueryRunner } from '../../data/AuditQueryRunner';
import { inFlight, type ExportIntegrityRow } from '../../data/load';
import { recordsOf } from '../../data/frames/records';
import { ExportIntegrity } from '../../components/IntegrityLine/ExportIntegrity';
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

/** The mail can be asked for again while the file lives, unless it is being sent right now. */
const canResend = (job: ExportJob): boolean => job.downloadable && job.status !== 'sending';

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** How far a running export has come: rows written of the estimate, as a whole percent below 100. */
export function progressOf(job: ExportJob): { readonly estimate: number; readonly percent: number } | null {
  if (!inFlight(job) || !job.estimatedRows || job.estimatedRows <= 0) return null;
  const percent = Math.min(99, Math.floor((job.rows / job.estimatedRows) * 100));
  return { estimate: job.estimatedRows, percent };
}

interface ExportsSceneState extends SceneObjectState {
  /** The user's exports, polled every POLL_MS while one is in flight. */
  readonly $data: AuditQueryRunner;
}

/** "My exports" as a scene object: its runner keeps the list live. */
export class ExportsScene extends SceneObjectBase<ExportsSceneState> {
  static Component = ExportsPage;
}

/** "My exports": the user's exports, newest first, refreshed live while any is in flight. */
export function ExportsPage({ model }: SceneComponentProps<ExportsScene>): React.JSX.Element {
  const api = useApi();
  const styles = useStyles2(getStyles);
  const { data } = model.state.$data.useState();
  const error = data?.state === LoadingState.Error ? (data.errors?.[0]?.message ?? '') : null;
  const jobs = data && !error && data.series.length > 0 ? recordsOf<ExportJob>(data.series[0]) : null;
  const timeZone = config.bootData.user.timezone || 'browser';
  const integrity = new Map(
    (data && !error ? recordsOf<ExportIntegrityRow>(data.series[1]) : []).map((s) => [s.id, s])
  );
  const [resendError, setResendError] = useState<string | null>(null);
  const runner = model.state.$data;
  const resend = useCallback(
    (id: string): void => {
      setResendError(null);
      // Reloaded at once, so the list polls while the mail is on its way.
      api.resendMail(id).then(
        () => runner.rerun(),
        (e: unknown) => setResendError(errorMessage(e))
      );
    },
    [api, runner]
  );

  return (
    <div data-testid={testIds.exportsPage}>
      {error !== null && (
        <Alert title="Could not load your exports" severity="error">
          {error}
        </Alert>
      )}
      {resendError && (
        <Alert title="Could not ask for the mail again" severity="error">
          {resendError}
        </Alert>
      )}
      {!jobs && error === null && <LoadingPlaceholder text="Loading your exports…" />}
      {jobs && jobs.length === 0 && (
        <p className={styles.muted}>No exports yet. Use Export on a log page; the file is emailed to you.</p>
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
                    text={STATUS_TEXT[job.status]}
                    color={STATUS_COLOR[job.status]}
                    icon={inFlight(job) ? 'spinner' : undefined}
                  />
                  {job.error && <div className={styles.error}>{job.error}</div>}
                </td>
                <td>
                  <RowsWritten job={job} />
                </td>
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
                <td>
                  <ExportIntegrity job={job} summary={integrity.get(job.id)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Rows written so far, and while running, of about how many, with a bar. */
function RowsWritten({ job }: { job: ExportJob }): React.JSX.Element {
  const styles = useStyles2(getStyles);
  const progress = progressOf(job);
  if (!progress) return <span>{job.rows.toLocaleString()}</span>;
  return (
    <div className={styles.progress}>
      <span>
        <span>{job.rows.toLocaleString()}</span>
        <span className={styles.muted}>{` of about ${progress.estimate.toLocaleString()}`}</span>
      </span>
      <progress
        className={styles.bar}
        max={100}
        value={progress.percent}
        aria-label={`Export ${job.id}: ${progress.percent}% of the rows written`}
      />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  table: css(tableRules(theme, 0.75), { th: headerRules(theme) }),
  muted: css({ color: theme.colors.text.secondary }),
  fileActions: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1) }),
  error: css({ color: theme.colors.error.text, fontSize: theme.typography.bodySmall.fontSize }),
  progress: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5), minWidth: 140 }),
  bar: css({
    width: '100%',
    height: 6,
    appearance: 'none',
    border: 'none',
    borderRadius: theme.shape.radius.pill,
    background: theme.colors.background.secondary,
    overflow: 'hidden',
    '&::-webkit-progress-bar': { background: theme.colors.background.secondary },
    '&::-webkit-progress-value': { background: theme.colors.primary.main },
    '&::-moz-progress-bar': { background: theme.colors.primary.main },
  }),
});
