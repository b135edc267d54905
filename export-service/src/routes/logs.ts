import { Router } from 'express';
import { logTypeFromSlug, type LogType } from '@auditlens/contract';
import { issueGrant } from '../auth/export-grant';
import { requesterOf } from '../auth/resolve-requester';
import { NotFoundError } from '../errors';
import type { LogReader } from '../logs/log-reader';
import { facetsQuery, logsQuery, NON_FILTER_KEYS, statsQuery } from '../schemas/logs';
import { badRequest, checkRange } from '../schemas/time-range';
import { alignRecentRange } from './recent-range';

/** Routes under `/api/v1/logs/:slug`, reached through the plugin-proxy route of that log type only. */
export function createLogsRouter(deps: {
  reader: LogReader;
  secret: string;
  maxRangeDays: number;
  /** Ranges ending now are aligned to this many ms, so that their queries can be shared. Default 0. */
  shareWindowMs?: number;
}): Router {
  const router = Router({ mergeParams: true });
  const logTypeOf = (slug: string | undefined): LogType => {
    const t = slug ? logTypeFromSlug(slug) : undefined;
    if (!t) throw new NotFoundError('no such log type');
    return t;
  };
  const filtersOf = (query: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(query).filter(([k]) => !NON_FILTER_KEYS.has(k)));

  router.get('/:slug', async (req, res) => {
    const logType = logTypeOf(req.params.slug);
    const q = logsQuery.safeParse(req.query);
    if (!q.success) throw badRequest(q.error);
    const range = alignRecentRange(
      checkRange(q.data.from, q.data.to, deps.maxRangeDays),
      deps.shareWindowMs ?? 0
    );
    res.json(await deps.reader.list(logType, range, filtersOf(q.data), q.data.limit, q.data.cursor));
  });

  router.get('/:slug/facets', async (req, res) => {
    const logType = logTypeOf(req.params.slug);
    const q = facetsQuery.safeParse(req.query);
    if (!q.success) throw badRequest(q.error);
    const range = alignRecentRange(
      checkRange(q.data.from, q.data.to, deps.maxRangeDays),
      deps.shareWindowMs ?? 0
    );
    res.json(await deps.reader.facets(logType, range, q.data.field, filtersOf(q.data), q.data.mode));
  });

  router.get('/:slug/stats', async (req, res) => {
    const logType = logTypeOf(req.params.slug);
    const q = statsQuery.safeParse(req.query);
    if (!q.success) throw badRequest(q.error);
    const range = alignRecentRange(
      checkRange(q.data.from, q.data.to, deps.maxRangeDays),
      deps.shareWindowMs ?? 0
    );
    res.json(await deps.reader.stats(logType, range, q.data.by, filtersOf(q.data), q.data.step));
  });

  // Reachable only through this log type's read route, so it proves the read permission to the exports route.
  router.post('/:slug/export-grants', (req, res) => {
    const logType = logTypeOf(req.params.slug);
    res.json(issueGrant(deps.secret, requesterOf(res).uid, logType));
  });

  return router;
}
