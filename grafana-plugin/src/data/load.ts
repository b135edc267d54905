import { concat, defer, map, mergeMap, of, timer, type Observable } from 'rxjs';
import type { DataFrame } from '@grafana/data';
import type { ExportIntegrityResponse, ExportJob } from '@auditlens/contract';
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
      const facetSources = request.exactOnly ? sources.facets.filter((s) => s.exact) : sources.facets;
      return defer(() => facetAnswers(facetSources, facetQuery)).pipe(
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

/** The verification summary of one export, with its id: a row of the `exportIntegrity` frame. */
export type ExportIntegrityRow = ExportIntegrityResponse['exports'][string] & { readonly id: string };

/** Columns of an export integrity frame. */
export const EXPORT_INTEGRITY_COLUMNS: ReadonlyArray<keyof ExportIntegrityRow & string> = [
  'id',
  'status',
  'verified',
  'total',
  'problemCount',
  'sha256',
];

/** What one poll of the exports learnt about their integrity: the summaries, and which done exports they cover. */
interface KnownIntegrity {
  readonly doneIds: string;
  readonly rows: readonly ExportIntegrityRow[];
}

/**
 * The summaries of the exports that have a manifest, asked again only when the set of done exports changed (a
 * summary never changes once made); none while no export is done, or when asking fails.
 */
async function integrityOf(
  sources: AuditDataSources,
  jobs: readonly ExportJob[],
  known: KnownIntegrity
): Promise<KnownIntegrity> {
  const doneIds = jobs
    .filter((j) => j.status === 'done')
    .map((j) => j.id)
    .join(',');
  if (doneIds === known.doneIds) return known;
  if (!doneIds) return { doneIds, rows: [] };
  try {
    const summaries = await sources.api.exportIntegrity();
    return { doneIds, rows: Object.entries(summaries).map(([id, s]) => ({ id, ...s })) };
  } catch {
    return { doneIds: '', rows: [] }; // the column stays empty and is asked again; the exports are unaffected
  }
}

function pollExports(
  sources: AuditDataSources,
  pollMs: number,
  known: KnownIntegrity = { doneIds: '', rows: [] }
): Observable<Loaded> {
  return defer(async () => {
    const jobs = await sources.api.exports();
    return { jobs, integrity: await integrityOf(sources, jobs, known) };
  }).pipe(
    mergeMap(({ jobs, integrity }) => {
      const loaded = {
        series: [
          recordsFrame('exports', jobs, EXPORT_COLUMNS),
          recordsFrame('exportIntegrity', integrity.rows, EXPORT_INTEGRITY_COLUMNS),
        ],
        done: !jobs.some(inFlight),
      };
      return loaded.done
        ? of(loaded)
        : concat(of(loaded), timer(pollMs).pipe(mergeMap(() => pollExports(sources, pollMs, integrity))));
    })
  );
}
