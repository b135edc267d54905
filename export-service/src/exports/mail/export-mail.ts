import { LOG_TYPE_TITLES, PLUGIN_ID } from '@auditlens/contract';
import type { StoredJob } from '../store/job-store';

/** Subject and body of the mail that delivers an export, saying what was exported. */
export function exportMailText(
  job: StoredJob,
  rows: number,
  link?: string,
  integrityLines: readonly string[] = []
): { subject: string; text: string } {
  const title = LOG_TYPE_TITLES[job.logType];
  const filters = Object.entries(job.filters);
  const lines = [
    `Hello ${job.requester.name},`,
    '',
    `your export of ${title.toLowerCase()} is ready.`,
    '',
    `  Log type:  ${title}`,
    `  Range:     ${job.from} to ${job.to} (UTC)`,
    `  Filters:   ${filters.length ? filters.map(([k, v]) => `${k} = ${v}`).join(', ') : 'none'}`,
    `  Format:    ${job.format.toUpperCase()}, times in ${job.timezone} and UTC`,
    `  Rows:      ${rows}`,
    ...integrityLines,
    '',
    link
      ? `The file is too large to attach. Download it while signed in to Grafana (the link expires):\n  ${link}`
      : 'The file is attached.',
    '',
    '— AuditLens',
  ];
  return { subject: `AuditLens export: ${title}, ${rows} rows`, text: lines.join('\n') };
}

/** The download link through Grafana's plugin proxy, which checks the user's permission. */
export function downloadLink(grafanaUrl: string, jobId: string): string {
  return `${grafanaUrl.replace(/\/+$/, '')}/api/plugin-proxy/${PLUGIN_ID}/exports/${jobId}/file`;
}
