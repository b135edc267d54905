import { Router, type Response } from 'express';
import type { ExportJob } from '@auditlens/contract';
import { verifyGrant } from './export-grant';
import type { ExportAuthorizer } from '../auth/export-permissions';
import { requesterOf } from '../auth/resolve-requester';
import type { JobStore, StoredJob } from './store/job-store';
import { ConflictError, ForbiddenError, GoneError, NotFoundError } from '../http/errors';
import { EXPORT_FORMAT_SPECS, exportFileName } from './writers/formats';
import type { ExportFiles, OpenedFile } from './files/export-files';
import { exportAdmission, type ExportLimits } from './export-quota';
import { createExportBody } from './schemas';
import { FILTERS } from '../views/filters';
import { parseInput } from '../http/parse';
import { checkRange } from '../views/time-range';
import { withoutRequestSignal } from '../http/request-signal';
import { MAIL_BEING_SENT, mailAgainRefusal } from './lifecycle';

/** Routes under `/api/v1/exports`, reached through the plugin-proxy route that requires exports:create. */
export function createExportsRouter(deps: {
  store: JobStore;
  /** Where the export files are, for downloads. */
  files: ExportFiles;
  secret: string;
  maxRangeDays: number;
  /** Checks on download and on a mail asked again that the owner still may read the job's log type and export. */
  authorizer?: ExportAuthorizer;
  limits: ExportLimits;
  onCreated?: () => void;
  onMailRequested?: () => void;
}): Router {
  const router = Router();
  const own = async (id: string, uid: string): Promise<StoredJob> => {
    const job = await deps.store.get(id);
    // Someone else's job is as invisible as a missing one; ownership is by Grafana user id, not login.
    if (!job || job.requester.uid === null || job.requester.uid !== uid)
      throw new NotFoundError('no such export');
    return job;
  };

  router.post('/', async (req, res) => {
    const requester = requesterOf(res);
    const body = parseInput(createExportBody, req.body ?? {}, 'invalid export request');
    const grant = verifyGrant(deps.secret, body.grant, requester.uid);
    if (body.logType && body.logType !== grant.logType)
      throw new ForbiddenError('the grant is for another log type');
    const range = checkRange(body.from, body.to, deps.maxRangeDays);
    const filters = parseInput(FILTERS[grant.logType], body.filters, 'invalid filters');
    // A grant makes one export; the store refuses a second job from the same grant (by its id, whatever its
    // spelling), and admits the job only within the requester's limits.
    const job = await deps.store.createFromGrant(
      {
        requester,
        logType: grant.logType,
        format: body.format,
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        filters,
        timezone: body.timezone,
      },
      grant.id,
      exportAdmission(deps.limits)
    );
    if (!job) throw new ConflictError('this export grant was used already; ask for a new one');
    if (deps.onCreated) withoutRequestSignal(deps.onCreated);
    res.status(202).json(publicJob(job));
  });

  router.get('/', async (_req, res) => {
    res.json({ exports: (await deps.store.listFor(requesterOf(res).uid)).map(publicJob) });
  });

  router.get('/:id', async (req, res) => {
    res.json(publicJob(await own(req.params.id, requesterOf(res).uid)));
  });

  router.get('/:id/file', async (req, res) => {
    const job = await own(req.params.id, requesterOf(res).uid);
    if (!job.filePath && !job.expiresAt) throw new NotFoundError('the export is not ready');
    if (!job.downloadable || !job.filePath) throw new GoneError('the export file has expired; export again');
    await deps.authorizer?.authorize(job.requester, job.logType);
    // Any replica answers: the file is in the storage every replica shares.
    const file = await deps.files.open(job.filePath);
    if (!file) {
      // Deleted behind the service's back (a cleaned disk or bucket): say so, and stop offering it.
      await deps.store.update(job.id, { filePath: null });
      throw new GoneError('the export file is no longer there; export again');
    }
    res.attachment(exportFileName(job));
    res.type(EXPORT_FORMAT_SPECS[job.format].contentType);
    res.set('Content-Length', String(file.size));
    await sendFile(file, res);
  });

  // The file is mailed again (after a failed mail, or a lost one), while it lives.
  router.post('/:id/mail', async (req, res) => {
    const job = await own(req.params.id, requesterOf(res).uid);
    const refusal = mailAgainRefusal(job);
    if (refusal)
      throw refusal.kind === 'gone' ? new GoneError(refusal.message) : new ConflictError(refusal.message);
    // The mail hands the file over again: only while the owner may still have it (403 saying why otherwise).
    // The mail lane asks Grafana once more right before sending.
    await deps.authorizer?.authorize(job.requester, job.logType);
    // Checked again as it changes: another replica may have started sending it meanwhile.
    const asked = await deps.store.requestMail(job.id);
    if (!asked) throw new ConflictError(MAIL_BEING_SENT);
    if (deps.onMailRequested) withoutRequestSignal(deps.onMailRequested);
    res.status(202).json(publicJob(asked));
  });

  return router;
}

/**
 * Streams an open file as the response. The file is closed when it is sent, when the client goes away, and
 * on a read error: before the first byte that error rejects (the error handler answers it), after it the
 * response is cut off, so the client sees an incomplete download rather than a complete-looking one.
 */
function sendFile(file: OpenedFile, res: Response): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const stream = file.body;
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
