import { Router } from 'express';
import type { z } from 'zod';
import { logTypeFromSlug, type LogType } from '@auditlens/contract';
import { issueGrant } from '../exports/export-grant';
import { requesterOf } from '../auth/resolve-requester';
import { NotFoundError } from '../http/errors';
import type { LogReader } from './log-reader';
import { FILTERS } from './filters';
import { facetsQuery, logsQuery, NON_FILTER_KEYS, statsQuery } from './schemas';
import { parseInput } from '../http/parse';
import { checkRange } from './time-range';
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
  /**
   * What every read of a log type asks: the log type of the path, the query checked against `schema`, its
   * range (aligned when it ends now) and the rest of the query as the log type's filters; a 404 or a 400 else.
   */
  const readRequest = <Q extends { from?: Date; to?: Date }>(
    slug: string | undefined,
    input: unknown,
    schema: z.ZodType<Q>
  ) => {
    const logType = logTypeOf(slug);
    const query = parseInput(schema, input);
    const range = alignRecentRange(
      checkRange(query.from, query.to, deps.maxRangeDays),
      deps.shareWindowMs ?? 0
    );
    const rest = Object.fromEntries(Object.entries(query).filter(([k]) => !NON_FILTER_KEYS.has(k)));
    const filters = parseInput(FILTERS[logType], rest, 'invalid filters');
    return { logType, query, range, filters };
  };

  router.get('/:slug', async (req, res) => {
    const { logType, query, range, filters } = readRequest(req.params.slug, req.query, logsQuery);
    res.json(await deps.reader.list(logType, range, filters, query.limit, query.cursor));
  });

  router.get('/:slug/facets', async (req, res) => {
    const { logType, query, range, filters } = readRequest(req.params.slug, req.query, facetsQuery);
    res.json(await deps.reader.facets(logType, range, query.field, filters, query.mode));
  });

  router.get('/:slug/stats', async (req, res) => {
    const { logType, query, range, filters } = readRequest(req.params.slug, req.query, statsQuery);
    res.json(await deps.reader.stats(logType, range, query.by, filters, query.step));
  });

  // Reachable only through this log type's read route, so it proves the read permission to the exports route.
  router.post('/:slug/export-grants', (req, res) => {
    const logType = logTypeOf(req.params.slug);
    res.json(issueGrant(deps.secret, requesterOf(res).uid, logType));
  });

  return router;
}
