import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';

/** How to run one server binary and tell when it is ready. */
export interface ServerProcessSpec {
  /** Name used in messages, e.g. `loki`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Its stdout and stderr go here, so a failure can show the end of it. */
  readonly logFile: string;
  /** Resolves true once the server serves requests. */
  readonly isReady: () => Promise<boolean>;
  /** How long to wait for readiness, in ms. The default value is 60000. */
  readonly readyTimeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
  /** Run as this user (e.g. `postgres` when the tests run as root). Default: the current user. */
  readonly uid?: number;
  readonly gid?: number;
  /** The signal that stops it gracefully. The default value is SIGTERM (Postgres: SIGINT, its fast shutdown). */
  readonly stopSignal?: NodeJS.Signals;
}

/**
 * A server binary started for a test: started, waited for, stopped (SIGTERM, then SIGKILL after 10 s), or
 * killed outright to simulate a crash. It can be started again with the same arguments and data.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

  constructor(private readonly spec: ServerProcessSpec) {}

  /** True while the process runs. */
  get running(): boolean {
    return this.child !== undefined;
  }

  /** The process id while it runs (to look at its open files in /proc, say). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits until it is ready; fails with the end of its log otherwise. */
  async start(): Promise<void> {
    if (this.child) return;
    const log = createWriteStream(this.spec.logFile, { flags: 'a' });
    const child = spawn(this.spec.command, [...this.spec.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.spec.env },
      uid: this.spec.uid,
      gid: this.spec.gid,
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    this.child = child;
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        this.child = undefined;
        log.end();
        resolve();
      });
      child.once('error', () => {
        this.child = undefined;
        log.end();
        resolve();
      });
    });
    const deadline = Date.now() + (this.spec.readyTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`${this.spec.name} exited during start:\n${this.tail()}`);
      if (await this.spec.isReady().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.kill();
    throw new Error(`${this.spec.name} was not ready in time:\n${this.tail()}`);
  }

  /** Stops the process gracefully. Safe to call when it is not running. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(this.spec.stopSignal ?? 'SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  /** Kills the process with SIGKILL, as a crash would. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** The last lines the process wrote. */
  tail(lines = 30): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

/** GET `url` and report whether it answered 2xx (and, when given, a body containing `text`). */
export async function answers(url: string, text?: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) return false;
  return text === undefined || (await res.text()).includes(text);
}
