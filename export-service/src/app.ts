import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { requireSharedSecret } from './auth/shared-secret';
import { resolveRequester } from './auth/resolve-requester';
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
import { NotFoundError } from './errors';

/** Everything the app is built from; `server.ts` makes the real ones, tests make their own. */
export interface AppDeps {
  readonly secret: string;
  readonly loki: LokiClient;
  readonly users: UserDirectory;
  readonly idTokens?: IdTokenVerifier;
  readonly store: JobStore;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  readonly serviceName?: string;
  readonly maxEntries: number;
  readonly maxRangeDays: number;
  /** Loki's `max_query_length` in ns (0n: none); longer ranges are read in windows. The default value is 721h. */
  readonly maxQueryLengthNs?: bigint;
  /** Called when an export is queued, so the runner starts at once. */
  readonly onExportQueued?: () => void;
}

/** Builds the express app without listening. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createHealthRouter({ loki: deps.loki, metrics: deps.metrics }));

  const api = express.Router();
  api.use(requireSharedSecret(deps.secret));
  api.use(resolveRequester(deps.users, deps.idTokens));
  api.use(express.json({ limit: '64kb' }));
  const reader = new LogReader(deps.loki, {
    serviceName: deps.serviceName,
    maxEntries: deps.maxEntries,
    maxQueryLengthNs: deps.maxQueryLengthNs,
  });
  api.use('/health', createConnectionCheckRouter({ loki: deps.loki }));
  api.use('/logs', createLogsRouter({ reader, secret: deps.secret, maxRangeDays: deps.maxRangeDays }));
  api.use(
    '/exports',
    createExportsRouter({
      store: deps.store,
      secret: deps.secret,
      maxRangeDays: deps.maxRangeDays,
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
