// Reads kept counts in a worker thread (node:worker_threads), on a SQLite connection of its own. `node:sqlite` is
// synchronous: on the event loop, a dropdown of addresses over a busy hour (a few hundred thousand kept rows summed)
// held every other call of the page, and the page's rows, behind it; and the service's one connection also takes
// the follower's write transactions in turn. Here the sums run beside the event loop, and in WAL mode a reader
// neither waits for the follower's writes nor holds them up. `worker-counts-reader.ts` starts this file.
import { parentPort, workerData } from 'node:worker_threads';
import { LOG_TYPES } from '@auditlens/contract';
import { openSqliteReader } from '../../store/database';
import { CountsStore, type CountsReader } from './counts-store';

/** A call of one of {@link CountsReader}'s methods, numbered for its answer. */
export interface CountsReadCall {
  readonly id: number;
  readonly method: keyof CountsReader;
  readonly args: readonly unknown[];
}

/** The answer to a {@link CountsReadCall}: its result, or the message of its failure. */
export type CountsReadAnswer =
  { readonly id: number; readonly result: unknown } | { readonly id: number; readonly error: string };

/** What the thread says once its connection is open and has read once: it answers calls quickly from then on. */
export const READY = 'ready';

/** What the worker is started with. */
export interface CountsReadWorkerData {
  readonly file: string;
}

if (parentPort) {
  const port = parentPort;
  const { file } = workerData as CountsReadWorkerData;
  const database = openSqliteReader(file);
  const store = new CountsStore(database);
  port.on('message', (call: CountsReadCall) => {
    // The method's own parameters, as the main thread's proxy received them.
    const method = store[call.method] as (...args: unknown[]) => Promise<unknown>;
    method.apply(store, [...call.args]).then(
      (result) => port.postMessage({ id: call.id, result } satisfies CountsReadAnswer),
      (error: unknown) =>
        port.postMessage({
          id: call.id,
          error: error instanceof Error ? error.message : String(error),
        } satisfies CountsReadAnswer)
    );
  });
  // A first read of what is kept loads the query builder's code paths and the file's index pages, so the first
  // page after a start does not pay for them; ready either way (a failing read fails its calls, and is reported there).
  void Promise.allSettled(LOG_TYPES.map((logType) => store.keptMinutes(logType))).then(() =>
    port.postMessage(READY)
  );
}
