import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { requireSharedSecret } from './auth/shared-secret';
import { requireCanonicalPath } from './auth/canonical-path';
import { resolveRequester } from './auth/resolve-requester';
import { requireReadPermission, type ExportAuthorizer } from './auth/export-permissions';
import type { UserDirectory } from './auth/grafana-users';
import type { IdTokenVerifier } from './auth/id-token';
import type { JobStore } from './exports/store/job-store';
import type { ExportFiles } from './exports/files/export-files';
import type { ExportLimits } from './exports/export-quota';
import { perUserRateLimit } from './http/per-user-rate-limit';
import { LogReader, type LogReaderCaching, type LogReaderOptions } from './views/log-reader';
import type { LokiClient } from '@auditlens/loki';
import { createExportsRouter } from './exports/routes';
import { cancelOnClose } from './http/cancel-on-close';
import { errorHandler, notFound } from './http/error-handler';
import { createConnectionCheckRouter, createHealthRouter } from './http/health';
import { createLogsRouter } from './views/routes';
import { createExportIntegrityRouter, createLogIntegrityRouter } from './integrity/routes';
import type { ExportManifests } from './exports/export-manifests';
import type { RangeVerifications } from './integrity/range-verifications';
import type { ServiceSigningKey } from '@auditlens/integrity';
import { DEFAULTS } from './config';
import { DEFAULT_EXPORT_LIMITS } from './exports/export-quota';

/** Everything the app is built from; `server.ts` makes the real ones, tests make their own. */
export interface AppDeps {
  readonly secret: string;
  readonly loki: LokiClient;
  readonly users: UserDirectory;
  readonly idTokens?: IdTokenVerifier;
  /** Refuse requests without a verified Grafana ID token (`REQUIRE_ID_TOKEN`). The default value is false. */
  readonly requireIdToken?: boolean;
  /**
   * Asks Grafana for the requester's current permissions whenever audit data is handed over: a log type's rows,
   * counts and reports, an export's file, mail and manifest. Default: none (tests of other parts).
   */
  readonly authorizer?: ExportAuthorizer;
  readonly store: JobStore;
  /** Where export files are kept (downloads read them). */
  readonly files: ExportFiles;
  readonly logger: Logger;
  readonly serviceName?: string;
  readonly maxEntries: number;
  readonly maxRangeDays: number;
  /** Per-user export limits. The default value is 3 on their way, 10,000,000 rows and 2 GiB a day. */
  readonly exportLimits?: ExportLimits;
  /**
   * Ranges of the data routes that end now are aligned to this many ms so that identical pages share one Loki
   * query (pass the Loki client's share window). The default value is 0: ranges are read exactly as asked.
   */
  readonly shareWindowMs?: number;
  /** Requests per second each user may make to the data and export routes. The default value is 10. */
  readonly ratePerSecond?: number;
  /** Requests a user may make at once after a quiet spell. The default value is 20. */
  readonly rateBurst?: number;
  /** Loki's `max_query_length` in ns (0n: none); longer ranges are read in windows. The default value is 721h. */
  readonly maxQueryLengthNs?: bigint;
  /** Loki's `max_query_series`. The default value is 500. */
  readonly maxQuerySeries?: number;
  /** Facet and chart counts and facet samples kept between requests. Default: none kept. */
  readonly caching?: LogReaderCaching;
  /** Counts the follower keeps (`views/counts/`): facets and charts come from them where they cover. Default: none. */
  readonly keptCounts?: LogReaderOptions['kept'];
  /** Called when an export is queued, so the runner starts at once. */
  readonly onExportQueued?: () => void;
  /** Called when a user asks for an export's mail again, so it goes at once. */
  readonly onMailRequested?: () => void;
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
  app.use(createHealthRouter({ loki: deps.loki }));

  const api = express.Router();
  api.use(requireSharedSecret(deps.secret));
  api.use(requireCanonicalPath());
  api.use(
    resolveRequester({ users: deps.users, idTokens: deps.idTokens, requireIdToken: deps.requireIdToken })
  );
  api.use(express.json({ limit: '64kb' }));
  api.use(cancelOnClose());
  const perUser = perUserRateLimit({
    perSecond: deps.ratePerSecond ?? DEFAULTS.RATE_LIMIT_PER_SECOND,
    burst: deps.rateBurst ?? DEFAULTS.RATE_LIMIT_BURST,
  });
  const reader = new LogReader(deps.loki, {
    serviceName: deps.serviceName,
    maxEntries: deps.maxEntries,
    maxQueryLengthNs: deps.maxQueryLengthNs,
    maxQuerySeries: deps.maxQuerySeries,
    caching: deps.caching,
    kept: deps.keptCounts,
  });
  api.use('/health', createConnectionCheckRouter({ loki: deps.loki }));
  // Counted once per request, whichever router below answers it.
  api.use(['/logs', '/exports'], perUser);
  // Every read of a log type's data, whichever router below answers it.
  if (deps.authorizer) api.use('/logs/:slug', requireReadPermission(deps.authorizer));
  if (deps.integrity)
    api.use(
      '/logs',
      createLogIntegrityRouter({
        verifications: deps.integrity.verifications,
        maxRangeDays: deps.maxRangeDays,
      })
    );
  api.use(
    '/logs',
    createLogsRouter({
      reader,
      secret: deps.secret,
      maxRangeDays: deps.maxRangeDays,
      shareWindowMs: deps.shareWindowMs,
    })
  );
  // Before the exports router, whose `/:id` would take `integrity` and `signing-key` for job ids.
  if (deps.integrity)
    api.use(
      '/exports',
      createExportIntegrityRouter({ store: deps.store, authorizer: deps.authorizer, ...deps.integrity })
    );
  api.use(
    '/exports',
    createExportsRouter({
      store: deps.store,
      files: deps.files,
      secret: deps.secret,
      maxRangeDays: deps.maxRangeDays,
      authorizer: deps.authorizer,
      limits: deps.exportLimits ?? DEFAULT_EXPORT_LIMITS,
      onCreated: deps.onExportQueued,
      onMailRequested: deps.onMailRequested,
    })
  );
  api.use(notFound());
  app.use('/api/v1', api);
  // Outside /api/v1 too: every answer is JSON, a 404 included.
  app.use(notFound());
  app.use(errorHandler(deps.logger));
  return app;
}
