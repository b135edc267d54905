import type { ActivityEvent } from '@auditlens/emitter';
import { EXPORT_ACTIVITY_CATEGORY, LOG_TYPE_TITLES } from '@auditlens/contract';
import type { StoredJob } from './store/job-store';

const filtersText = (job: StoredJob): string =>
  Object.entries(job.filters)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

const whatOf = (job: StoredJob) => ({
  logType: job.logType,
  from: job.from,
  to: job.to,
  filters: job.filters,
  format: job.format,
  rows: job.rows,
});

/** The activity event of an export mailed to its requester: who exported what range. */
export function exportDelivered(job: StoredJob): ActivityEvent {
  const filters = filtersText(job);
  return {
    actor: {
      id: job.requester.uid ?? job.requester.login,
      name: job.requester.login,
      email: job.requester.email,
    },
    category: EXPORT_ACTIVITY_CATEGORY,
    action: 'export',
    target: { type: 'audit_log', id: job.logType, name: LOG_TYPE_TITLES[job.logType] },
    summary: `${job.requester.login} exported ${job.rows} ${LOG_TYPE_TITLES[job.logType].toLowerCase()} from ${job.from} to ${job.to}${filters ? ` (${filters})` : ''} as ${job.format.toUpperCase()}`,
    changes: { after: whatOf(job) },
  };
}

/**
 * The activity event of an export that was not delivered because its recipient is not one valid address (an
 * email in Grafana holding two addresses or a line break would otherwise have sent the data elsewhere).
 */
export function exportRefusedRecipient(job: StoredJob, reason: string): ActivityEvent {
  return {
    // The address itself is in `changes`, where the emitter caps and escapes it; it is no identity here.
    actor: { id: job.requester.uid ?? job.requester.login, name: job.requester.login },
    category: EXPORT_ACTIVITY_CATEGORY,
    action: 'export',
    target: { type: 'audit_log', id: job.logType, name: LOG_TYPE_TITLES[job.logType] },
    summary: `export of ${LOG_TYPE_TITLES[job.logType].toLowerCase()} by ${job.requester.login} not sent: ${reason}`,
    outcome: 'failure',
    changes: { after: { ...whatOf(job), recipient: job.requester.email } },
  };
}
