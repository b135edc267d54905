import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARDS } from './catalogue';
import { withRevision } from './revision';

/** The folder of the generated dashboards, committed with the repository and copied into the app plugin. */
export const DASHBOARD_JSON_DIR = join(__dirname, '..', 'json');

/** A dashboard file as it was last written, or undefined when there is none. */
export type PreviousDashboard = (file: string) => unknown;

/** The committed dashboard files of `dir`, read back. */
export function committedDashboards(dir: string = DASHBOARD_JSON_DIR): PreviousDashboard {
  return (file) => {
    const path = join(dir, file);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : undefined;
  };
}

/**
 * Every dashboard by file name, each with the revision that follows from `previous` (by default the committed
 * files): unchanged dashboards keep theirs, changed ones get the next.
 */
export function buildDashboards(
  previous: PreviousDashboard = committedDashboards()
): Record<string, dashboard.Dashboard> {
  const out: Record<string, dashboard.Dashboard> = {};
  for (const entry of DASHBOARDS) out[entry.file] = withRevision(entry.build().build(), previous(entry.file));
  return out;
}

/** A dashboard as it is written to its file. */
export function dashboardFileText(board: dashboard.Dashboard): string {
  return `${JSON.stringify(board, null, 2)}\n`;
}
