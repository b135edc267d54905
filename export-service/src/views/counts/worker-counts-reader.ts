import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  READY,
  type CountsReadAnswer,
  type CountsReadCall,
  type CountsReadWorkerData,
} from './counts-read-worker';
import { manyValued } from './counted-fields';
import type { CountsReader, CountsStore } from './counts-store';

// The worker is the file beside this one: compiled JavaScript, or TypeScript when the service runs from its sources
// (tests), which needs the parent's require hook (`-r test/support/ts-register.cjs`, added by jest.config.js) handed over
// in execArgv explicitly because jest adds it after start; compiled, the worker keeps the default, since a worker's
// execArgv refuses V8 flags such as the Dockerfile's --max-semi-space-size.
const WORKER_FILE = join(__dirname, `counts-read-worker${extname(__filename)}`);
const WORKER_EXEC_ARGV = extname(__filename) === '.ts' ? { execArgv: process.execArgv } : {};

/** Options of {@link WorkerCountsReader}. */
export interface WorkerCountsReaderOptions {
  /**
   * Worker threads reading at once, each with its own connection; the last takes the small reads. The default value
   * is 3: a page asks for its users' and its addresses' sums together, and each takes a thread of its own.
   */
  readonly threads?: number;
}

/** One reading thread and its calls waiting for an answer. */
interface ReadThread {
  readonly worker: Worker;
  readonly waiting: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
  /** Settles once the thread has opened its connection and read once, or has ended. */
  readonly ready: Promise<void>;
}

/**
 * Kept counts of a SQLite database read in worker threads (`counts-read-worker.ts`), each on its own connection,
 * so the page's sums never hold the event loop. The large sums and the small reads go to different threads
 * ({@link threadFor}); a thread that ends fails its waiting calls and is started again for the next. Threads do
 * not keep the process alive.
 */
export class WorkerCountsReader implements CountsReader {
  private readonly threads: Array<ReadThread | undefined>;
  private nextId = 0;
  private closed = false;

  /** Reads `file` (a SQLite database that has had the counts' migrations). */
  constructor(
    private readonly file: string,
    options: WorkerCountsReaderOptions = {}
  ) {
    this.threads = new Array<ReadThread | undefined>(Math.max(1, options.threads ?? 3)).fill(undefined);
    // Started now, not at the first page: a thread loads its modules and opens the file, a few hundred ms on 2 cores.
    for (let i = 0; i < this.threads.length; i++) this.threads[i] = this.start(i);
  }

  /**
   * Settles once every thread has opened its connection and read once (or has ended: its calls start it again).
   * The service listens after this, so that its first page does not wait for threads still loading their modules.
   */
  async ready(): Promise<void> {
    await Promise.all(this.threads.map((t) => t?.ready));
  }

  keptMinutes: CountsStore['keptMinutes'] = (...args) => this.call('keptMinutes', args, false);
  keptMinutesIn: CountsStore['keptMinutesIn'] = (...args) => this.call('keptMinutesIn', args, false);
  valueCounts: CountsStore['valueCounts'] = (...args) => this.call('valueCounts', args, manyValued(args[1]));
  periodCounts: CountsStore['periodCounts'] = (...args) => this.call('periodCounts', args, false);

  /** Ends the threads; calls still waiting fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t?.worker.terminate()));
  }

  private call<M extends keyof CountsReader>(
    method: M,
    args: Parameters<CountsReader[M]>,
    heavy: boolean
  ): ReturnType<CountsReader[M]> {
    return new Promise<unknown>((resolve, reject) => {
      if (this.closed) {
        reject(new Error('the kept counts reader is closed'));
        return;
      }
      const thread = this.threadFor(heavy);
      const id = this.nextId++;
      thread.waiting.set(id, { resolve, reject });
      thread.worker.ref();
      thread.worker.postMessage({ id, method, args } satisfies CountsReadCall);
    }) as ReturnType<CountsReader[M]>;
  }

  /**
   * The thread for a call. The sums over a field of users or addresses (a few hundred thousand rows) go to the
   * least busy of all threads but the last; every other call (which minutes are kept, a few-valued field, a chart's
   * periods: milliseconds each) to the last, so a page's small reads never wait behind its large ones.
   */
  private threadFor(heavy: boolean): ReadThread {
    const last = this.threads.length - 1;
    let best = last;
    if (heavy && last > 0) {
      best = 0;
      for (let i = 1; i < last; i++)
        if ((this.threads[i]?.waiting.size ?? 0) < (this.threads[best]?.waiting.size ?? 0)) best = i;
    }
    return (this.threads[best] ??= this.start(best));
  }

  private start(slot: number): ReadThread {
    const worker = new Worker(WORKER_FILE, {
      ...WORKER_EXEC_ARGV,
      workerData: { file: this.file } satisfies CountsReadWorkerData,
    });
    // The thread keeps the process alive until it is ready (the service awaits that before it listens, when nothing
    // else may hold the event loop), then only while calls wait for it.
    let isReady = false;
    let settle = () => {};
    const ready = new Promise<void>(
      (resolve) =>
        (settle = () => {
          isReady = true;
          resolve();
          if (thread.waiting.size === 0) worker.unref();
        })
    );
    const thread: ReadThread = { worker, waiting: new Map(), ready };
    worker.on('message', (answer: CountsReadAnswer | typeof READY) => {
      if (answer === READY) {
        settle();
        return;
      }
      const call = thread.waiting.get(answer.id);
      if (!call) return;
      thread.waiting.delete(answer.id);
      if (thread.waiting.size === 0 && isReady) worker.unref();
      if ('error' in answer) call.reject(new Error(answer.error));
      else call.resolve(answer.result);
    });
    const fail = (error: Error) => {
      settle();
      if (this.threads[slot] === thread) this.threads[slot] = undefined;
      for (const call of thread.waiting.values()) call.reject(error);
      thread.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the kept counts reading thread ended (exit code ${code})`)));
    return thread;
  }
}
