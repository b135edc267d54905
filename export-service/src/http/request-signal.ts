import { AsyncLocalStorage } from 'node:async_hooks';

// The signal of the HTTP request being served, carried through async calls so that a Loki query made for a
// request is cancelled when its client goes away, without threading a parameter through every reader.
const current = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` (and everything it awaits) on behalf of a request whose end `signal` reports. */
export function runWithRequestSignal<T>(signal: AbortSignal, fn: () => T): T {
  return current.run(signal, fn);
}

/** The signal of the request being served, if any. */
export function requestSignal(): AbortSignal | undefined {
  return current.getStore();
}

/**
 * Runs `fn` outside any request: work it starts (an export woken by the request that queued it) outlives the
 * request and must not be cancelled when that client goes away.
 */
export function withoutRequestSignal<T>(fn: () => T): T {
  return current.exit(fn);
}
