import type { IntegrityReport, LogType } from '@auditlens/contract';
import type { LokiClient } from '../loki/types';
import type { KeyRing } from './key-ring';
import { VERIFICATION_DEFAULTS, verifyRange, type RangeVerificationOptions } from './range-verification';

/** How long a report is reused: a range still open to new records or checkpoints changes, a closed one does not. */
const OPEN_RANGE_TTL_MS = 30_000;
const CLOSED_RANGE_TTL_MS = 600_000;
const MAX_CACHED = 64;

/**
 * Verifications asked by the app's pages: the same range asked again (several viewers, a reload) is verified
 * once, while it runs and for a while after; at most `concurrency` run at once, so pages cannot swamp Loki.
 */
export class RangeVerifications {
  private readonly cache = new Map<
    string,
    { readonly at: number; readonly report: Promise<IntegrityReport> }
  >();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly loki: LokiClient,
    private readonly keys: KeyRing,
    private readonly options: RangeVerificationOptions & { readonly concurrency?: number } = {}
  ) {}

  /** The report of `logType` over [from, to). */
  verify(logType: LogType, from: Date, to: Date): Promise<IntegrityReport> {
    const now = (this.options.now ?? (() => new Date()))().getTime();
    const key = `${logType}\u0000${from.getTime()}\u0000${to.getTime()}`;
    const cached = this.cache.get(key);
    const closed = to.getTime() + (this.options.lookaheadMs ?? VERIFICATION_DEFAULTS.lookaheadMs) < now;
    if (cached && now - cached.at < (closed ? CLOSED_RANGE_TTL_MS : OPEN_RANGE_TTL_MS)) return cached.report;
    const report = this.run(() => verifyRange(this.loki, this.keys, logType, { from, to }, this.options));
    report.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: now, report });
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    return report;
  }

  private async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= (this.options.concurrency ?? 2))
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
