import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Express } from 'express';
import { createApp, type AppDeps } from '../app';
import { GrafanaUserDirectory } from '../auth/grafana-users';
import { GrafanaIdTokenVerifier } from '../auth/id-token';
import { FakeGrafana } from '../auth/fake-grafana.fake';
import { JobStore } from '../db/job-store';
import { FakeLoki } from '../loki/fake/FakeLoki.fake';
import { HttpLokiClient } from '../loki/http-client';
import { ServiceMetrics } from '../metrics/metrics';

/** The shared secret tests send. */
export const SECRET = 'test-shared-secret-0123456789';
/** The service-account token the fake Grafana expects. */
export const GRAFANA_TOKEN = 'glsa_test_token';

/** An app wired to FakeLoki, fake-grafana and a job store in a temporary folder. */
export interface Harness {
  readonly app: Express;
  readonly loki: FakeLoki;
  readonly lokiClient: HttpLokiClient;
  readonly grafana: FakeGrafana;
  readonly store: JobStore;
  readonly metrics: ServiceMetrics;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Builds the harness, with `overrides` of the app's settings; call `stop()` after the tests. */
export async function startHarness(
  overrides: Partial<Pick<AppDeps, 'maxQueryLengthNs'>> = {}
): Promise<Harness> {
  const loki = await FakeLoki.start();
  const grafana = await FakeGrafana.start(
    [
      { login: 'jane', email: 'jane@acme.test', name: 'Jane Admin' },
      { login: 'bob', email: 'bob@acme.test', name: 'Bob Agent' },
    ],
    GRAFANA_TOKEN
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'auditlens-test-'));
  const store = new JobStore(join(dataDir, 'jobs.sqlite'));
  const metrics = new ServiceMetrics(() => store.countsByStatus());
  const lokiClient = new HttpLokiClient({ url: loki.url, timeoutMs: 2000, onRequest: metrics.observeLoki });
  const app = createApp({
    secret: SECRET,
    loki: lokiClient,
    users: new GrafanaUserDirectory({ grafanaUrl: grafana.url, token: GRAFANA_TOKEN }),
    idTokens: new GrafanaIdTokenVerifier({ grafanaUrl: grafana.url, issuer: grafana.url }),
    store,
    metrics,
    logger: pino({ level: 'silent' }),
    maxEntries: 5000,
    maxRangeDays: 366,
    ...overrides,
  });
  return {
    app,
    loki,
    lokiClient,
    grafana,
    store,
    metrics,
    dataDir,
    async stop() {
      store.close();
      await loki.stop();
      await grafana.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
