import { Router } from 'express';
import { logTypeFromSlug, type ExportIntegrityResponse, type SigningKeyResponse } from '@auditlens/contract';
import type { ExportAuthorizer } from '../auth/export-permissions';
import { requesterOf } from '../auth/resolve-requester';
import type { JobStore } from '../exports/store/job-store';
import { NotFoundError } from '../http/errors';
import { exportFileName } from '../exports/writers/formats';
import { ExportManifests } from '../exports/export-manifests';
import { isMailed } from '../exports/lifecycle';
import type { RangeVerifications } from './range-verifications';
import type { ServiceSigningKey } from '@auditlens/integrity';
import { integrityQuery } from './schemas';
import { parseInput } from '../http/parse';
import { checkRange } from '../views/time-range';
import { alignRecentRange } from '../views/recent-range';

/**
 * Ranges ending now are verified up to the last multiple of this, so that a page refreshed or opened by several
 * viewers within it shares one verification (its report is then at most this old).
 */
const RECENT_VERIFICATION_MS = 30_000;

/**
 * `GET /api/v1/logs/:slug/integrity?from&to`: the verification of every record of the log type in the range.
 * Under the log type's read route, so Grafana checks the read permission as for its rows.
 */
export function createLogIntegrityRouter(deps: {
  verifications: RangeVerifications;
  maxRangeDays: number;
}): Router {
  const router = Router();
  router.get('/:slug/integrity', async (req, res) => {
    const logType = logTypeFromSlug(req.params.slug);
    if (!logType) throw new NotFoundError('no such log type');
    const q = parseInput(integrityQuery, req.query);
    const range = alignRecentRange(checkRange(q.from, q.to, deps.maxRangeDays), RECENT_VERIFICATION_MS);
    res.json(await deps.verifications.verify(logType, range.from, range.to));
  });
  return router;
}

/**
 * Under `/api/v1/exports` (the exports route, exports:create), mounted before the job routes:
 * `GET /integrity` (the verification summary of the requester's exports), `GET /signing-key` (the key that signs
 * manifests), `GET /:id/manifest` (a job's signed manifest, owner only).
 */
export function createExportIntegrityRouter(deps: {
  store: JobStore;
  manifests: ExportManifests;
  signingKey: ServiceSigningKey;
  /** Checks that the requester may still read and export a job's log type before its manifest or summary. */
  authorizer?: ExportAuthorizer;
}): Router {
  const router = Router();

  router.get('/integrity', async (_req, res) => {
    const requester = requesterOf(res);
    const exports: Record<string, ExportIntegrityResponse['exports'][string]> = {};
    // Summaries only of log types the requester may still read and export (one question to Grafana for all).
    const permitted = deps.authorizer ? await deps.authorizer.permittedLogTypes(requester) : undefined;
    for (const job of await deps.store.listFor(requester.uid)) {
      if (permitted && !permitted.has(job.logType)) continue;
      // A manifest is made as the file is first mailed.
      const manifest = isMailed(job.status) ? await deps.manifests.read(job.id) : undefined;
      if (!manifest) continue;
      const r = manifest.integrity;
      exports[job.id] = {
        status: r.status,
        verified: r.records.verified,
        total: r.records.total,
        problemCount: r.problemCount,
        sha256: manifest.file.sha256,
      };
    }
    const body: ExportIntegrityResponse = { exports };
    res.json(body);
  });

  router.get('/signing-key', (_req, res) => {
    const body: SigningKeyResponse = {
      keyId: deps.signingKey.keyId,
      algorithm: 'Ed25519',
      publicKey: deps.signingKey.publicKeyBase64,
      pem: deps.signingKey.publicKeyPem,
    };
    res.json(body);
  });

  router.get('/:id/manifest', async (req, res) => {
    const job = await deps.store.get(req.params.id);
    // Someone else's job is as invisible as a missing one (ownership by Grafana user id, as for the file).
    if (!job || job.requester.uid === null || job.requester.uid !== requesterOf(res).uid)
      throw new NotFoundError('no such export');
    // It describes the exported events (counts, ranges, digests): handed over as the file is, or not at all.
    await deps.authorizer?.authorize(job.requester, job.logType);
    const manifest = await deps.manifests.read(job.id);
    if (!manifest) throw new NotFoundError('the export has no manifest yet');
    res.attachment(`${exportFileName(job)}.manifest.json`);
    res.type('application/json').send(ExportManifests.text(manifest));
  });

  return router;
}
