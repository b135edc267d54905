/** Wakes everyone waiting on it at each `notify()`; waiters re-check their own condition after waking. */
export class Notifier {
  private waiters: Array<() => void> = [];

  /** Resolves at the next `notify()`. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every current waiter. */
  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
