import { isDeepStrictEqual } from 'node:util';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** Revision of a dashboard that has never been generated before. */
export const FIRST_REVISION = 1;

/**
 * `next` with its `revision` set: the previous revision when nothing else changed, one more when anything did.
 * Grafana re-imports an app's dashboard on a plugin update only when the `revision` in the plugin's file differs
 * from the imported one (`syncPluginDashboards` in grafana/grafana
 * pkg/services/plugindashboards/service/dashboard_updater.go), so a change without a new revision would never
 * reach an installed Grafana.
 */
export function withRevision(next: dashboard.Dashboard, previous: unknown): dashboard.Dashboard {
  const { revision: _ignored, ...content } = next;
  if (!isDashboardJson(previous)) return { ...content, revision: FIRST_REVISION };
  const { revision: previousRevision, ...previousContent } = previous;
  const base = typeof previousRevision === 'number' ? previousRevision : FIRST_REVISION;
  // Compared as JSON, the form the previous revision was read back from.
  const unchanged = isDeepStrictEqual(JSON.parse(JSON.stringify(content)), previousContent);
  return { ...content, revision: unchanged ? base : base + 1 };
}

function isDashboardJson(value: unknown): value is Record<string, unknown> & { revision?: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
