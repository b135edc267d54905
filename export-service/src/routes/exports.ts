import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { Router, type Response } from 'express';
import type { ExportJob } from '@auditlens/contract';
import { verifyGrant } from '../auth/export-grant';
import type { ExportAuthorizer } from '../auth/export-permissions';
import { requesterOf } from '../auth/resolve-requester';
import type { JobStore, StoredJob } from '../db/job-store';
import { ConflictError, ForbiddenError, GoneError, NotFoundError } from '../errors';
import { checkExportQuota, type ExportLimits } from '../jobs/export-quota';
import { validateFilters } from '../loki/logql';
import { withoutRequestSignal } from '../loki/request-signal';
import { createExportBody } from '../schemas/exports';
import { badRequest, checkRange } from '../schemas/time-range';

/** Routes under `/api/v1/exports`, reached through the plugin-proxy route that requires exports:create. */
export function createExportsRouter(deps: {
  store: JobStore;
  secret: string;
  maxRangeDays: number;
  /** Checks on download that the owner still may read the job's log type and export. */
  authorizer?: ExportAuthorizer;
  limits: ExportLimits;
  onCreated?: () => void;
  onMailRequested?: () => void;
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
    checkExportQuota(deps.store, requester.uid, deps.limits);
    // A grant makes one export; the store refuses a second job from the same grant.
    const job = deps.store.createFromGrant(
      {
        requester,
        logType: grant.logType,
        format: body.data.format,
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        filters,
        timezone: body.data.timezone,
      },
      createHash('sha256').update(body.data.grant).digest('base64url')
    );
    if (!job) throw new ConflictError('this export grant was used already; ask for a new one');
    if (deps.onCreated) withoutRequestSignal(deps.onCreated);
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
    if (!job.filePath && !job.expiresAt) throw new NotFoundError('the export is not ready');
    if (!job.downloadable || !job.filePath) throw new GoneError('the export file has expired; export again');
    await deps.authorizer?.authorize(job.requester, job.logType);
    let file: FileHandle;
    try {
      file = await open(job.filePath, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // Deleted behind the service's back (a cleaned disk): say so, and stop offering it.
      deps.store.update(job.id, { filePath: null });
      throw new GoneError('the export file is no longer there; export again');
    }
    try {
      const { size } = await file.stat();
      res.attachment(`auditlens-${job.logType}-${job.id.slice(0, 8)}.${job.format}`);
      res.set('Content-Length', String(size));
      await sendFile(file, res);
    } finally {
      // Closed by its stream already, except when stat failed; closing twice is harmless.
      await file.close().catch(() => undefined);
    }
  });

  // The file is mailed again (after a failed mail, or a lost one), while it lives.
  router.post('/:id/mail', (req, res) => {
    const job = own(req.params.id, requesterOf(res).uid);
    if (job.status === 'sending') throw new ConflictError('the mail is being sent right now');
    if (!job.filePath && !job.expiresAt) {
      throw new ConflictError(
        job.status === 'failed'
          ? 'this export has no file to mail; export again'
          : 'the export is not ready yet; it is mailed when it is'
      );
    }
    if (!job.downloadable || !job.filePath) throw new GoneError('the export file has expired; export again');
    deps.store.requestMail(job.id);
    if (deps.onMailRequested) withoutRequestSignal(deps.onMailRequested);
    res.status(202).json(publicJob(deps.store.get(job.id)!));
  });

  return router;
}

/**
 * Streams an open file as the response. The file is closed when it is sent, when the client goes away, and
 * on a read error: before the first byte that error rejects (the error handler answers it), after it the
 * response is cut off, so the client sees an incomplete download rather than a complete-looking one.
 */
function sendFile(file: FileHandle, res: Response): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stream = file.createReadStream();
    stream.on('error', (error) => {
      stream.destroy();
      if (res.headersSent) {
        res.destroy();
        resolve();
        return;
      }
      res.removeHeader('Content-Disposition');
      res.removeHeader('Content-Length');
      res.removeHeader('Content-Type');
      reject(error);
    });
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
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
    estimatedRows: job.estimatedRows ?? null,
    bytes: job.bytes,
    error: job.error,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    downloadable: job.downloadable,
    nextAttemptAt: job.nextAttemptAt,
    expiresAt: job.expiresAt,
  };
}
