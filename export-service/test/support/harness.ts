import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Express } from 'express';
import { createApp, type AppDeps } from '../../src/app';
import type { LokiClient } from '@auditlens/loki';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GrafanaDouble, loadPluginJson, type GrafanaDoubleOptions } from '@auditlens/testkit';
import { APP_JSON_DATA, APP_SECURE_JSON_DATA } from '@auditlens/contract';
import { GrafanaExportPermissions } from '../../src/auth/export-permissions';
import { GrafanaUserDirectory } from '../../src/auth/grafana-users';
import { GrafanaIdTokenVerifier } from '../../src/auth/id-token';
import type { JobStore } from '../../src/exports/store/job-store';
import { SqlJobStore } from '../../src/exports/store/sql-job-store';
import { DirectoryExportFiles } from '../../src/exports/files/directory-export-files';
import type { ExportFiles } from '../../src/exports/files/export-files';
import { LokiDouble } from '@auditlens/loki/double';
import { HttpLokiClient } from '@auditlens/loki';
import { ServiceMetrics } from '../../src/http/metrics';

/** The shared secret tests send. */
export const SECRET = 'test-shared-secret-0123456789';
/** The token of the org Admin service account the Grafana double knows. */
export const GRAFANA_TOKEN = 'glsa_test_token';

/**
 * An app wired to LokiDouble, the Grafana double (`@auditlens/testkit`; users `jane` (uid `u-jane`), an org Admin,
 * and `bob` (`u-bob`), an Editor who may read access logs) and a job store in a temporary folder. Requests go to the app directly;
 * `grafana` is the server the app asks about users, keys and permissions.
 */
export interface Harness {
  readonly app: Express;
  readonly loki: LokiDouble;
  readonly lokiClient: HttpLokiClient;
  readonly grafana: GrafanaDouble;
  readonly store: JobStore;
  /** The export files of the app (and of runners the tests make): `<dataDir>/files`. */
  readonly files: ExportFiles;
  readonly metrics: ServiceMetrics;
  readonly dataDir: string;
  /**
   * Serves the app on 127.0.0.1 and points the Grafana double's plugin proxy at it, so requests can go
   * through Grafana (`grafana.url` + `/api/plugin-proxy/...` with `grafana.sessionFor(login)`).
   */
  serve(): Promise<void>;
  stop(): Promise<void>;
}

/** How the harness's Grafana double and the app differ from the defaults. */
export interface HarnessOptions {
  /** Feature toggles and org of the Grafana double (the app always expects org 1). */
  readonly grafana?: Pick<GrafanaDoubleOptions, 'idForwarding' | 'sendUserHeader' | 'orgId' | 'stackId'>;
  /** `REQUIRE_ID_TOKEN`. The default value is false. */
  readonly requireIdToken?: boolean;
  /** Replace the app's dependencies (given the client of the Loki double, to wrap it). */
  readonly app?: Partial<AppDeps> | ((lokiClient: HttpLokiClient) => Partial<AppDeps>);
  /** Builds the app's integrity dependencies from its Loki client and export files. Default: none. */
  readonly integrity?: (loki: LokiClient, files: ExportFiles) => AppDeps['integrity'];
}

/** Builds the harness; call `stop()` after the tests. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const loki = await LokiDouble.start();
  const grafana = await GrafanaDouble.start({
    plugin: loadPluginJson(),
    jsonData: { [APP_JSON_DATA.exportServiceUrl]: 'http://127.0.0.1:9' },
    secureJsonData: { [APP_SECURE_JSON_DATA.sharedSecret]: SECRET },
    users: [
      { login: 'jane', uid: 'u-jane', email: 'jane@acme.test', name: 'Jane Admin', orgRole: 'Admin' },
      {
        login: 'bob',
        uid: 'u-bob',
        email: 'bob@acme.test',
        name: 'Bob Agent',
        orgRole: 'Editor',
        assigned: ['auditlens-auditlogs-app.access:read'],
      },
    ],
    serviceAccounts: [{ token: GRAFANA_TOKEN, orgRole: 'Admin' }],
    ...options.grafana,
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'auditlens-test-'));
  const store = await SqlJobStore.open({ dialect: 'sqlite', file: join(dataDir, 'jobs.sqlite') });
  const files = new DirectoryExportFiles(join(dataDir, 'files'));
  const metrics = new ServiceMetrics(() => store.countsByStatus());
  const lokiClient = new HttpLokiClient({ url: loki.url, timeoutMs: 2000, onRequest: metrics.observeLoki });
  const app = createApp({
    secret: SECRET,
    loki: lokiClient,
    users: new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: GRAFANA_TOKEN }),
    idTokens: new GrafanaIdTokenVerifier({
      grafanaUrl: grafana.url,
      issuer: grafana.issuer,
      org: { orgId: 1 },
    }),
    requireIdToken: options.requireIdToken,
    authorizer: new GrafanaExportPermissions({ grafanaUrl: grafana.url, token: GRAFANA_TOKEN }),
    store,
    files,
    logger: pino({ level: 'silent' }),
    maxEntries: 5000,
    maxRangeDays: 366,
    ...(typeof options.app === 'function' ? options.app(lokiClient) : options.app),
    integrity: options.integrity?.(lokiClient, files),
  });
  let server: Server | undefined;
  return {
    app,
    loki,
    lokiClient,
    grafana,
    store,
    files,
    metrics,
    dataDir,
    async serve() {
      const listening = app.listen(0, '127.0.0.1');
      server = listening;
      await new Promise<void>((resolve) => listening.once('listening', () => resolve()));
      const { port } = listening.address() as AddressInfo;
      grafana.setJsonData({ [APP_JSON_DATA.exportServiceUrl]: `http://127.0.0.1:${port}` });
    },
    async stop() {
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await store.close();
      await loki.stop();
      await grafana.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
