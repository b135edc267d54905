import type { IntegrityReport, LogType } from '@auditlens/contract';
import { LimitReachedError } from '../domain-errors';
import type { LokiClient } from '@auditlens/loki';
import type { KeyRing } from '@auditlens/integrity';
import { VERIFICATION_DEFAULTS, verifyRange, type RangeVerificationOptions } from './verify-range';

/** How long a report is reused: a range still open to new records or checkpoints changes, a closed one does not. */
const OPEN_RANGE_TTL_MS = 30_000;
const CLOSED_RANGE_TTL_MS = 600_000;
const MAX_CACHED = 64;

/** Options of {@link RangeVerifications}. */
export interface RangeVerificationsOptions extends RangeVerificationOptions {
  /** Verifications running at once. The default value is 2. */
  readonly concurrency?: number;
  /** Verifications waiting for one of those; one more is refused with a 429. The default value is 8. */
  readonly maxWaiting?: number;
}

/**
 * Verifications asked by the app's pages: the same range asked again (several viewers, a reload) is verified
 * once, while it runs and for a while after; at most `concurrency` run at once and `maxWaiting` wait, so pages
 * cannot swamp Loki or the exports' queue at Loki (a verification reads its whole range, as an export does).
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
    private readonly options: RangeVerificationsOptions = {}
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
    if (this.running >= (this.options.concurrency ?? 2)) {
      if (this.waiting.length >= (this.options.maxWaiting ?? 8))
        throw new LimitReachedError('too many integrity verifications are running; try again shortly', 10);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
