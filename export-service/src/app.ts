import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { requireSharedSecret } from './auth/shared-secret';
import { requireCanonicalPath } from './auth/canonical-path';
import { resolveRequester } from './auth/resolve-requester';
import type { ExportAuthorizer } from './auth/export-permissions';
import type { UserDirectory } from './auth/grafana-users';
import type { IdTokenVerifier } from './auth/id-token';
import type { JobStore } from './db/job-store';
import { LogReader } from './logs/log-reader';
import type { LokiClient } from './loki/types';
import type { ServiceMetrics } from './metrics/metrics';
import { createExportsRouter } from './routes/exports';
import { errorHandler } from './routes/error-handler';
import { createConnectionCheckRouter, createHealthRouter } from './routes/health';
import { createLogsRouter } from './routes/logs';
import { createExportIntegrityRouter, createLogIntegrityRouter } from './routes/integrity';
import type { ExportManifests } from './integrity/export-manifests';
import type { RangeVerifications } from './integrity/range-verifications';
import type { ServiceSigningKey } from './integrity/service-key';
import { NotFoundError } from './errors';

/** Everything the app is built from; `server.ts` makes the real ones, tests make their own. */
export interface AppDeps {
  readonly secret: string;
  readonly loki: LokiClient;
  readonly users: UserDirectory;
  readonly idTokens?: IdTokenVerifier;
  /** Refuse requests without a verified Grafana ID token (`REQUIRE_ID_TOKEN`). The default value is false. */
  readonly requireIdToken?: boolean;
  /** Re-checks the owner's Grafana permissions when an export file is downloaded. */
  readonly authorizer?: ExportAuthorizer;
  readonly store: JobStore;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly serviceName?: string;
  readonly maxEntries: number;
  readonly maxRangeDays: number;
  /** Called when an export is queued, so the runner starts at once. */
  readonly onExportQueued?: () => void;
  /** Tamper evidence: range verification and export manifests. Default: none (their routes answer 404). */
  readonly integrity?: {
    readonly verifications: RangeVerifications;
    readonly manifests: ExportManifests;
    readonly signingKey: ServiceSigningKey;
  };
}

/** Builds the express app without listening. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createHealthRouter({ loki: deps.loki, metrics: deps.metrics }));

  const api = express.Router();
  api.use(requireSharedSecret(deps.secret));
  api.use(requireCanonicalPath());
  api.use(
    resolveRequester({ users: deps.users, idTokens: deps.idTokens, requireIdToken: deps.requireIdToken })
  );
  api.use(express.json({ limit: '64kb' }));
  const reader = new LogReader(deps.loki, { serviceName: deps.serviceName, maxEntries: deps.maxEntries });
  api.use('/health', createConnectionCheckRouter({ loki: deps.loki }));
  if (deps.integrity)
    api.use(
      '/logs',
      createLogIntegrityRouter({
        verifications: deps.integrity.verifications,
        maxRangeDays: deps.maxRangeDays,
      })
    );
  api.use('/logs', createLogsRouter({ reader, secret: deps.secret, maxRangeDays: deps.maxRangeDays }));
  if (deps.integrity)
    api.use('/exports', createExportIntegrityRouter({ store: deps.store, ...deps.integrity }));
  api.use(
    '/exports',
    createExportsRouter({
      store: deps.store,
      secret: deps.secret,
      maxRangeDays: deps.maxRangeDays,
      authorizer: deps.authorizer,
      onCreated: deps.onExportQueued,
    })
  );
  api.use(() => {
    throw new NotFoundError('no such route');
  });
  app.use('/api/v1', api);
  app.use(errorHandler(deps.logger));
  return app;
}
