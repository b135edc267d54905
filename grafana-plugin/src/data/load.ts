import { concat, defer, from, map, mergeMap, of, timer, type Observable } from 'rxjs';
import type { DataFrame } from '@grafana/data';
import type { ExportJob } from '@auditlens/contract';
import { chartStep } from '../time/when';
import { ALERT_SOURCE_LABELS } from '../constants';
import type { GrafanaAlert } from '../api/alerting';
import { facetAnswers } from './facets';
import { countsFrames } from './frames/counts';
import { facetsFrame } from './frames/facets';
import { recordsFrame } from './frames/records';
import { rowsFrame } from './frames/rows';
import type { AuditDataSources, AuditRequest, QueryContext } from './requests';

/** Frames of one answer; `done` false while more is coming (exact counts after suggestions, the next poll). */
export interface Loaded {
  readonly series: DataFrame[];
  readonly done: boolean;
}

/** Columns of an exports frame. */
export const EXPORT_COLUMNS: ReadonlyArray<keyof ExportJob & string> = [
  'id',
  'logType',
  'format',
  'from',
  'to',
  'filters',
  'timezone',
  'status',
  'rows',
  'estimatedRows',
  'bytes',
  'error',
  'createdAt',
  'updatedAt',
  'downloadable',
  'nextAttemptAt',
  'expiresAt',
];

/** Columns of a firing-alerts frame. */
export const ALERT_COLUMNS: ReadonlyArray<keyof GrafanaAlert & string> = [
  'labels',
  'annotations',
  'state',
  'activeAt',
  'value',
];

/** An export still on its way: the list is asked again until none is. */
export function inFlight(job: ExportJob): boolean {
  return job.status !== 'done' && job.status !== 'failed';
}

/** Runs `request` for `ctx` against `sources`; unsubscribing drops whatever has not answered yet. */
export function load(
  request: AuditRequest,
  ctx: QueryContext,
  sources: AuditDataSources
): Observable<Loaded> {
  // Deferred: nothing is requested until the runner subscribes.
  const once = (frames: () => Promise<DataFrame[]>): Observable<Loaded> =>
    defer(frames).pipe(map((series) => ({ series, done: true })));
  const query = { from: ctx.from, to: ctx.to, filters: ctx.filters, q: ctx.q };
  switch (request.kind) {
    case 'rows':
      return once(() =>
        sources.api
          .logs(request.logType, { ...query, limit: request.pageSize })
          .then((res) => [rowsFrame(request.logType, res.rows, res.nextCursor)])
      );
    case 'counts':
      return once(() =>
        sources.api
          .stats(request.logType, request.by, query, chartStep(ctx.from, ctx.to))
          .then((stats) => countsFrames(stats, ctx.from, ctx.to))
      );
    case 'facets': {
      const facetQuery = { logType: request.logType, field: request.field, ...query };
      return defer(() => facetAnswers(sources.facets, facetQuery)).pipe(
        map((answer) => ({
          series: [facetsFrame(request.field, answer.values.slice(0, request.limit), answer.exact)],
          done: answer.exact,
        }))
      );
    }
    case 'firingAlerts':
      return once(() =>
        sources.alerting
          .firing(ALERT_SOURCE_LABELS)
          .then((alerts) => [recordsFrame('firingAlerts', alerts, ALERT_COLUMNS)])
      );
    case 'exports':
      return pollExports(sources, request.pollMs);
  }
}

function pollExports(sources: AuditDataSources, pollMs: number): Observable<Loaded> {
  return defer(() => from(sources.api.exports())).pipe(
    mergeMap((jobs) => {
      const loaded = { series: [recordsFrame('exports', jobs, EXPORT_COLUMNS)], done: !jobs.some(inFlight) };
      return loaded.done
        ? of(loaded)
        : concat(of(loaded), timer(pollMs).pipe(mergeMap(() => pollExports(sources, pollMs))));
    })
  );
}
