import { createReadStream } from 'node:fs';
import { Router } from 'express';
import type { ExportJob } from '@auditlens/contract';
import { verifyGrant } from '../auth/export-grant';
import type { ExportAuthorizer } from '../auth/export-permissions';
import { requesterOf } from '../auth/resolve-requester';
import type { JobStore, StoredJob } from '../db/job-store';
import { ForbiddenError, GoneError, NotFoundError } from '../errors';
import { validateFilters } from '../loki/logql';
import { createExportBody } from '../schemas/exports';
import { badRequest, checkRange } from '../schemas/time-range';

/** Routes under `/api/v1/exports`, reached through the plugin-proxy route that requires exports:create. */
export function createExportsRouter(deps: {
  store: JobStore;
  secret: string;
  maxRangeDays: number;
  /** Checks on download that the owner still may read the job's log type and export. */
  authorizer?: ExportAuthorizer;
  onCreated?: () => void;
}): Router {
  const router = Router();
  const own = (id: string, uid: string): StoredJob => {
    const job = deps.store.get(id);
    // Someone else's job is as invisible as a missing one; ownership is by Grafana user id, not login.
    if (!job || job.requester.uid === null || job.requester.uid !== uid)
      throw new NotFoundError('no such export');
    return job;
  };

  router.post('/', (req, res) => {
    const requester = requesterOf(res);
    const body = createExportBody.safeParse(req.body ?? {});
    if (!body.success) throw badRequest(body.error, 'invalid export request');
    const grant = verifyGrant(deps.secret, body.data.grant, requester.uid);
    if (body.data.logType && body.data.logType !== grant.logType)
      throw new ForbiddenError('the grant is for another log type');
    const range = checkRange(body.data.from, body.data.to, deps.maxRangeDays);
    const filters = validateFilters(grant.logType, body.data.filters);
    const job = deps.store.create({
      requester,
      logType: grant.logType,
      format: body.data.format,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      filters,
      timezone: body.data.timezone,
    });
    deps.onCreated?.();
    res.status(202).json(publicJob(job));
  });

  router.get('/', (_req, res) => {
    res.json({ exports: deps.store.listFor(requesterOf(res).uid).map(publicJob) });
  });

  router.get('/:id', (req, res) => {
    res.json(publicJob(own(req.params.id, requesterOf(res).uid)));
  });

  router.get('/:id/file', async (req, res) => {
    const job = own(req.params.id, requesterOf(res).uid);
    if (job.status !== 'done') throw new NotFoundError('the export is not ready');
    if (!job.downloadable || !job.filePath) throw new GoneError('the export file has expired; export again');
    await deps.authorizer?.authorize(job.requester, job.logType);
    res.attachment(`auditlens-${job.logType}-${job.id.slice(0, 8)}.${job.format}`);
    createReadStream(job.filePath).pipe(res);
  });

  return router;
}

/** The job as the API shows it (no requester details, no paths). */
export function publicJob(job: StoredJob): ExportJob {
  return {
    id: job.id,
    logType: job.logType,
    format: job.format,
    from: job.from,
    to: job.to,
    filters: job.filters,
    timezone: job.timezone,
    status: job.status,
    rows: job.rows,
    bytes: job.bytes,
    error: job.error,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    downloadable: job.downloadable,
  };
}
