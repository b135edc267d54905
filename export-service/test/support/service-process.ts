import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answers, freePort, ServerProcess } from '@auditlens/testkit';

/** The secret the fault tests' service expects. */
export const SERVICE_SECRET = 'fault-test-shared-secret-0123456789';
/** The Grafana token the fault tests' fake Grafana expects. */
export const SERVICE_GRAFANA_TOKEN = 'glsa_fault_test';

const ROOT = join(__dirname, '..', '..');

/**
 * The export service as a real child process, run from its TypeScript sources (`ts-register.cjs`), with its
 * data in a temporary folder that outlives a kill, so a test can kill it and start it again on the same jobs.
 */
export class ServiceProcess {
  private constructor(
    private readonly process: ServerProcess,
    readonly url: string,
    readonly dataDir: string
  ) {}

  /** Starts the service with `env` over the test defaults and waits until it answers. */
  static async start(env: Readonly<Record<string, string>>): Promise<ServiceProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), 'auditlens-service-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = new ServerProcess({
      name: 'export-service',
      command: process.execPath,
      args: ['-r', join(ROOT, 'test', 'support', 'ts-register.cjs'), join(ROOT, 'src', 'server.ts')],
      logFile: join(dataDir, 'service.log'),
      isReady: () => answers(`${url}/healthz`),
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: dataDir,
        AUDITLENS_SHARED_SECRET: SERVICE_SECRET,
        GRAFANA_TOKEN: SERVICE_GRAFANA_TOKEN,
        MAIL_FROM: 'AuditLens <auditlens@acme.test>',
        LOG_LEVEL: 'info',
        // Nothing leaks into the test from the environment of the run.
        OTLP_ENDPOINT: '',
        // Tests poll their exports; the per-user rate limit is the subject only where a test sets it.
        RATE_LIMIT_PER_SECOND: '1000',
        RATE_LIMIT_BURST: '1000',
        ...env,
      },
    });
    await server.start();
    return new ServiceProcess(server, url, dataDir);
  }

  /** The running process's id. */
  get pid(): number {
    const pid = this.process.pid;
    if (pid === undefined) throw new Error('the service is not running');
    return pid;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** Kills the service with SIGKILL, mid-whatever, as a crash or the OOM killer would. */
  kill(): Promise<void> {
    return this.process.kill();
  }

  /** Starts it again on the same port and data. */
  restart(): Promise<void> {
    return this.process.start();
  }

  /** Stops it (SIGTERM) and deletes its data. */
  async dispose(): Promise<void> {
    await this.process.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** The end of the service's log, for failure messages. */
  logTail(lines = 40): string {
    return this.process.tail(lines);
  }
}
