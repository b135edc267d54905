import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from './free-port';
import { answers, ServerProcess } from './server-process';

/** The Loki configuration the compose stack runs, which test Loki servers are derived from. */
export const LOKI_CONFIG_PATH = join(__dirname, '..', '..', 'collector-config', 'loki.yaml');

/** Options of {@link startLoki}. */
export interface StartLokiOptions {
  /** Values merged over the derived configuration, e.g. `{ limits_config: { max_query_length: '0' } }`. */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** A folder of ruler rule files (`*.yaml`) for the single tenant, copied to `<rules>/fake/`. Default: none. */
  readonly rulesDir?: string;
  /** Where the ruler sends alerts. Default: no Alertmanager (the ruler still evaluates). */
  readonly alertmanagerUrl?: string;
  /** The Loki binary. The default value is `process.env.LOKI_BIN`. */
  readonly binary?: string;
}

/** A real Loki started for a test, on 127.0.0.1 with its data in a temporary folder. */
export interface LokiServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Where chunks, index and rules live; kept across {@link LokiServer.restart}. */
  readonly dataDir: string;
  /** The configuration file it runs with. */
  readonly configFile: string;
  /** Stops Loki gracefully (its data stays), so a test can start it again. */
  stop(): Promise<void>;
  /** Kills Loki with SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Starts Loki again on the same port and data after stop() or kill(). */
  restart(): Promise<void>;
  /** Stops Loki and deletes its data. */
  dispose(): Promise<void>;
  /** The end of Loki's own log, for failure messages. */
  logTail(lines?: number): string;
}

/**
 * The test configuration: `collector-config/loki.yaml` with its paths in `dataDir`, listening on 127.0.0.1 only,
 * and three start-up waits shortened (the ingester's ring join and the query frontend's scheduler look-up,
 * 10-20 s by default) so that Loki is ready in about 2 s. Limits stay as the shipped file has them.
 */
export function lokiTestConfig(
  dataDir: string,
  httpPort: number,
  options: Pick<StartLokiOptions, 'overrides' | 'alertmanagerUrl'> = {}
): Record<string, unknown> {
  const config = parse(readFileSync(LOKI_CONFIG_PATH, 'utf8')) as Record<string, Record<string, unknown>>;
  const base: Record<string, unknown> = {
    ...config,
    server: {
      ...config['server'],
      http_listen_address: '127.0.0.1',
      http_listen_port: httpPort,
      grpc_listen_address: '127.0.0.1',
      grpc_listen_port: 0,
      log_level: 'warn',
    },
    common: {
      ...config['common'],
      path_prefix: dataDir,
      storage: {
        filesystem: { chunks_directory: join(dataDir, 'chunks'), rules_directory: join(dataDir, 'rules') },
      },
    },
    compactor: { ...config['compactor'], working_directory: join(dataDir, 'compactor') },
    ruler: rulerSection(config['ruler'] ?? {}, dataDir, options.alertmanagerUrl),
    ingester: { lifecycler: { join_after: '0s', final_sleep: '0s', min_ready_duration: '0s' } },
    frontend: { scheduler_dns_lookup_period: '1s' },
    frontend_worker: { dns_lookup_duration: '1s' },
  };
  return deepMerge(base, options.overrides ?? {});
}

function rulerSection(
  ruler: Record<string, unknown>,
  dataDir: string,
  alertmanagerUrl: string | undefined
): Record<string, unknown> {
  const section: Record<string, unknown> = {
    ...ruler,
    storage: { type: 'local', local: { directory: join(dataDir, 'rules') } },
    rule_path: join(dataDir, 'rules-temp'),
    evaluation_interval: '1s',
    poll_interval: '1s',
  };
  if (alertmanagerUrl) section['alertmanager_url'] = alertmanagerUrl;
  else delete section['alertmanager_url'];
  return section;
}

/** Starts a real Loki from `LOKI_BIN` (or `options.binary`) and waits for `/ready`. */
export async function startLoki(options: StartLokiOptions = {}): Promise<LokiServer> {
  const binary = options.binary ?? process.env['LOKI_BIN'];
  if (!binary) throw new Error('no Loki binary: set LOKI_BIN (see ../shared/tools/loki/README.md)');
  const dataDir = mkdtempSync(join(tmpdir(), 'auditlens-loki-'));
  if (options.rulesDir) cpSync(options.rulesDir, join(dataDir, 'rules', 'fake'), { recursive: true });
  const port = await freePort();
  const configFile = join(dataDir, 'loki.yaml');
  writeFileSync(configFile, stringify(lokiTestConfig(dataDir, port, options)));
  const url = `http://127.0.0.1:${port}`;
  const server = new ServerProcess({
    name: 'loki',
    command: binary,
    args: [`-config.file=${configFile}`],
    logFile: join(dataDir, 'loki.log'),
    isReady: () => answers(`${url}/ready`, 'ready'),
  });
  await server.start();
  return {
    url,
    dataDir,
    configFile,
    stop: () => server.stop(),
    kill: () => server.kill(),
    restart: () => server.start(),
    dispose: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    logTail: (lines) => server.tail(lines),
  };
}

/** True when tests can use a real Loki (`LOKI_URL` or `LOKI_BIN` is set); decide `it` or `it.skip` with it. */
export function hasRealLoki(): boolean {
  return Boolean(process.env['LOKI_URL'] || process.env['LOKI_BIN']);
}

/** Where a test reads Loki from: a real one, or none (the test then uses the double). */
export type LokiTarget =
  | { readonly kind: 'real'; readonly url: string; readonly server?: LokiServer; release(): Promise<void> }
  | { readonly kind: 'double'; readonly reason: string; release(): Promise<void> };

/**
 * The real Loki a test should use: `LOKI_URL` when set (a Loki someone else runs), else one started from
 * `LOKI_BIN`, else none. Prints which, so a test run's output says what ran against the real Loki.
 */
export async function lokiForTests(suite: string, options: StartLokiOptions = {}): Promise<LokiTarget> {
  const external = process.env['LOKI_URL'];
  if (external) {
    announce(`${suite}: against the real Loki at ${external} (LOKI_URL)`);
    return { kind: 'real', url: external.replace(/\/+$/, ''), release: async () => undefined };
  }
  if (process.env['LOKI_BIN']) {
    const server = await startLoki(options);
    announce(`${suite}: against a real Loki 3.7.6 started from LOKI_BIN at ${server.url}`);
    return { kind: 'real', url: server.url, server, release: () => server.dispose() };
  }
  const reason = 'neither LOKI_BIN nor LOKI_URL is set';
  announce(`${suite}: against the Loki double (${reason})`);
  return { kind: 'double', reason, release: async () => undefined };
}

/** Writes one line to the test run's output (not through jest's console, which adds a stack trace). */
export function announce(line: string): void {
  process.stderr.write(`[real-servers] ${line}\n`);
}

function deepMerge(
  base: Record<string, unknown>,
  over: Readonly<Record<string, unknown>>
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] =
      isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : (value as unknown);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
