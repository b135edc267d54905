import { ClientGoneError, TooManyRequestsError } from './errors';
import type {
  InstantQueryParams,
  LogQueryParams,
  LokiClient,
  LokiEntry,
  LokiSeries,
  MetricQueryParams,
} from '@auditlens/loki';

/** Options of {@link SheddingLokiClient}. */
export interface SheddingOptions {
  /** Loki queries in flight at once. The default value is 8. */
  readonly maxInFlight?: number;
  /** Queries waiting for a free slot; one more is refused at once. The default value is 32 (Infinity: never). */
  readonly maxQueued?: number;
  /** Longest wait for a slot in ms, then the query is refused. The default value is 2000 (Infinity: no limit). */
  readonly maxWaitMs?: number;
  /**
   * How long an answer is given to identical queries, in ms, counted from when it came; identical queries in
   * flight always share one Loki query. The default value is 5000 (0: no sharing at all).
   */
  readonly shareMs?: number;
  /** Answers kept for sharing at most. The default value is 100. */
  readonly maxShared?: number;
  /**
   * The time within which a query should be answered, in ms: a query waits in the queue only while its wait
   * plus Loki's recent answer time (a moving average) stays within it, and is refused at once when Loki is
   * that slow already. The default value is 4000 (Infinity: only `maxWaitMs` counts).
   */
  readonly answerWithinMs?: number;
  /** Clock in ms, for the moving average. Default `performance.now`. */
  readonly now?: () => number;
  /** Seconds a refused client is told to wait (`Retry-After`). The default value is 2. */
  readonly retryAfterSeconds?: number;
  /**
   * The signal of the work the caller is doing now (the HTTP request being served), joined with each query's
   * own; the service passes `requestSignal` of `routes/request-signal.ts`. Default: none (only the query's own).
   */
  readonly ambientSignal?: () => AbortSignal | undefined;
  /** Called for each query: run at Loki, shared with another, or refused. Default: none. */
  readonly onOutcome?: (outcome: 'queried' | 'shared' | 'shed') => void;
}

interface Waiter {
  readonly grant: () => void;
}

interface Shared<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  followers: number;
  answeredAt?: number;
}

/**
 * A LokiClient in front of another that keeps Loki inside what it can serve: at most `maxInFlight` queries
 * at once, a short queue, and past it (or after `maxWaitMs` in the queue, less when Loki's recent answers
 * leave less of `answerWithinMs`) a 429 with `Retry-After` instead of a request that would time out. Identical queries share one Loki query while it runs and for `shareMs` after
 * it answered. A query is cancelled at Loki (its HTTP request aborted) once every client waiting for it has
 * gone: the signal is the query's own, or else the one `ambientSignal` gives (the request being served).
 */
export class SheddingLokiClient implements LokiClient {
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  /** Moving average of Loki's answer time in ms; 0 until the first answer. */
  private answerMs = 0;
  private readonly shared = new Map<string, Shared<unknown>>();

  constructor(
    private readonly inner: LokiClient,
    private readonly options: SheddingOptions = {}
  ) {}

  /** Queries running at Loki and waiting for a slot, for metrics. */
  get load(): { readonly inFlight: number; readonly queued: number } {
    return { inFlight: this.inFlight, queued: this.queue.length };
  }

  async queryLogs(p: LogQueryParams): Promise<LokiEntry[]> {
    const key = `logs\u0000${p.query}\u0000${p.start}\u0000${p.end}\u0000${p.limit}\u0000${p.direction}`;
    const entries = await this.run(key, p.signal, (signal) => this.inner.queryLogs({ ...p, signal }));
    // Each caller gets its own array: a shared answer must not change under another caller.
    return entries.slice();
  }

  async queryMetrics(p: MetricQueryParams): Promise<LokiSeries[]> {
    const key = `metrics\u0000${p.query}\u0000${p.start}\u0000${p.end}\u0000${p.step}`;
    const series = await this.run(key, p.signal, (signal) => this.inner.queryMetrics({ ...p, signal }));
    return series.slice();
  }

  async queryInstant(p: InstantQueryParams): Promise<LokiSeries[]> {
    const key = `instant\u0000${p.query}\u0000${p.time}`;
    const series = await this.run(key, p.signal, (signal) => this.inner.queryInstant({ ...p, signal }));
    return series.slice();
  }

  ready(signal?: AbortSignal): Promise<boolean> {
    return this.inner.ready(signal);
  }

  private run<T>(
    key: string,
    own: AbortSignal | undefined,
    call: (signal: AbortSignal) => Promise<T>
  ): Promise<T> {
    const signal = callerSignal(own, this.options.ambientSignal);
    if ((this.options.shareMs ?? 5000) <= 0) {
      const controller = new AbortController();
      const forward = () => controller.abort(signal?.reason);
      if (signal?.aborted) forward();
      signal?.addEventListener('abort', forward, { once: true });
      return this.limited(controller.signal, call).finally(() =>
        signal?.removeEventListener('abort', forward)
      );
    }
    let entry = this.shared.get(key) as Shared<T> | undefined;
    if (entry?.answeredAt !== undefined && Date.now() - entry.answeredAt > (this.options.shareMs ?? 5000)) {
      this.shared.delete(key);
      entry = undefined;
    }
    if (entry) {
      this.options.onOutcome?.('shared');
    } else {
      const controller = new AbortController();
      const created: Shared<T> = { promise: this.limited(controller.signal, call), controller, followers: 0 };
      created.promise.then(
        () => {
          created.answeredAt = Date.now();
          this.forgetOld();
        },
        () => {
          // Failures are not kept: the next identical query asks Loki again.
          if (this.shared.get(key) === created) this.shared.delete(key);
        }
      );
      this.shared.set(key, created as Shared<unknown>);
      entry = created;
    }
    return this.follow(key, entry, signal);
  }

  /** Waits for a shared query on behalf of one caller; the last caller to leave cancels it. */
  private follow<T>(key: string, entry: Shared<T>, signal: AbortSignal | undefined): Promise<T> {
    if (entry.answeredAt !== undefined) return entry.promise;
    if (signal?.aborted) return Promise.reject(new ClientGoneError());
    entry.followers++;
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        entry.followers--;
        reject(new ClientGoneError());
        if (entry.followers === 0 && entry.answeredAt === undefined) {
          entry.controller.abort(new ClientGoneError());
          if (this.shared.get(key) === entry) this.shared.delete(key);
        }
      };
      signal?.addEventListener('abort', leave, { once: true });
      entry.promise.then(
        (value) => {
          signal?.removeEventListener('abort', leave);
          entry.followers--;
          resolve(value);
        },
        (error: unknown) => {
          signal?.removeEventListener('abort', leave);
          entry.followers--;
          reject(error);
        }
      );
    });
  }

  /** Runs `call` in a slot: at once if one is free, after a short wait in the queue, or not at all (429). */
  private limited<T>(signal: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const run = (): Promise<T> => {
      this.options.onOutcome?.('queried');
      const clock = this.options.now ?? (() => performance.now());
      const started = clock();
      let result: Promise<T>;
      try {
        result = call(signal);
      } catch (error) {
        result = Promise.reject(error);
      }
      return result.then(
        (value) => {
          const took = clock() - started;
          this.answerMs = this.answerMs === 0 ? took : this.answerMs * 0.8 + took * 0.2;
          this.release();
          return value;
        },
        (error: unknown) => {
          this.release();
          throw error;
        }
      );
    };
    if (signal.aborted) return Promise.reject(new ClientGoneError());
    if (this.inFlight < (this.options.maxInFlight ?? 8)) {
      this.inFlight++;
      return run();
    }
    return this.enqueue(signal).then(run);
  }

  /** Waits in the queue for a slot (then counted as taken); rejects when full, after maxWaitMs, or on abort. */
  private enqueue(signal: AbortSignal): Promise<void> {
    // Waiting longer than Loki leaves time for would only turn a quick "busy" into a late one.
    const maxWait = Math.min(
      this.options.maxWaitMs ?? 2000,
      (this.options.answerWithinMs ?? 4000) - this.answerMs
    );
    if (this.queue.length >= (this.options.maxQueued ?? 32) || maxWait <= 0)
      return Promise.reject(this.busy());
    return new Promise<void>((resolve, reject) => {
      const leave = (error: Error) => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        clearTimeout(timer);
        signal.removeEventListener('abort', gone);
        reject(error);
      };
      const gone = () => leave(new ClientGoneError());
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', gone);
          this.inFlight++;
          resolve();
        },
      };
      const timer = Number.isFinite(maxWait) ? setTimeout(() => leave(this.busy()), maxWait) : undefined;
      signal.addEventListener('abort', gone, { once: true });
      this.queue.push(waiter);
    });
  }

  private release(): void {
    this.inFlight--;
    this.queue.shift()?.grant();
  }

  private busy(): TooManyRequestsError {
    this.options.onOutcome?.('shed');
    return new TooManyRequestsError(
      'the service is busy reading Loki; try again in a moment',
      this.options.retryAfterSeconds ?? 2
    );
  }

  /** Drops answers older than `shareMs`, then the oldest past `maxShared` (a Map iterates in insertion order). */
  private forgetOld(): void {
    const oldest = Date.now() - (this.options.shareMs ?? 5000);
    const max = this.options.maxShared ?? 100;
    for (const [key, entry] of this.shared) {
      if (entry.answeredAt === undefined) continue;
      if (entry.answeredAt < oldest || this.shared.size > max) this.shared.delete(key);
    }
  }
}

function callerSignal(
  own: AbortSignal | undefined,
  ambient: (() => AbortSignal | undefined) | undefined
): AbortSignal | undefined {
  const request = ambient?.();
  if (own && request) return AbortSignal.any([own, request]);
  return own ?? request;
}
