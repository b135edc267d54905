import { randomUUID } from 'node:crypto';
import { LOG_TYPES, type LogType } from '@auditlens/contract';
import { buildSelector, readAllEntries, type LokiClient, type LokiEntry } from '@auditlens/loki';
import type { DeletionWatch } from './deletion-watch';
import type { FollowerStore } from './follower-store';
import type { SettledConsumer } from './settled-batch';

const MINUTE_MS = 60_000;
const NS_PER_MS = 1_000_000n;
const LEASE_NAME = 'settled-follower';

/** Settings of the {@link Follower} (config.ts: FOLLOW_*). */
export interface FollowerOptions {
  /** Records older than this are settled, in ms. */
  readonly settleMs: number;
  /** Minutes read per query while catching up. */
  readonly batchMinutes: number;
  /** The last this many settled minutes are read again every half of them, for records that came late. 0: never. */
  readonly rereadMinutes: number;
  /** Where a consumer without a cursor starts, in ms since the epoch; default: `retentionMs` ago. */
  readonly startMs?: number;
  /** Loki's retention, in ms: nothing older is read, and consumers forget it. */
  readonly retentionMs: number;
  /** How long the follower's lease lasts without renewal, in ms. */
  readonly leaseMs: number;
  /** Pause between rounds when caught up, in ms. */
  readonly pollMs: number;
  /** Restrict reads to one `service_name` (LOKI_SERVICE_NAME), as verification does. */
  readonly serviceName?: string;
  readonly pageSize?: number;
  readonly logTypes?: readonly LogType[];
  readonly now?: () => number;
  /** Loki's delete requests, watched so that what consumers kept of deleted records is read again. Default: none. */
  readonly deletions?: DeletionWatch;
  /**
   * Kept minutes delivered again per hour, oldest first and round again, so that records removed from Loki's
   * storage without the delete API show in what is kept. 0 or absent: never.
   */
  readonly reproveMinutesPerHour?: number;
  /** Told about a round that failed (Loki or the database down); the next round tries again. */
  readonly onError?: (error: unknown) => void;
}

/** Where kept data ends, per log type: what every consumer consumed. */
export interface FollowerStatus {
  readonly logTypes: Partial<Record<LogType, { readonly keptFromNs: bigint; readonly caughtUpToNs: bigint }>>;
}

/**
 * Reads every record of each log type from Loki once, as minutes settle, and hands them to the consumers.
 * Exactly one replica follows at a time: the one holding the lease in the service's database; another takes
 * over once it expires. Cursors per (consumer, log type) move only after `consume` resolved, so a crash or a
 * take-over repeats a batch at worst (consumers upsert). Records that reach Loki later than `settleMs` are caught
 * by re-reading the last `rereadMinutes` settled minutes every `rereadMinutes / 2`.
 */
export class Follower {
  /** This replica's name in the lease. */
  readonly holder = randomUUID();
  private readonly consumers: SettledConsumer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private leader = false;
  private lastReread = new Map<LogType, number>();
  private lastSweepMs: number | undefined;

  constructor(
    private readonly loki: LokiClient,
    private readonly store: FollowerStore,
    private readonly options: FollowerOptions
  ) {}

  /** Adds a consumer (before `start`): it gets every settled batch from its own cursor on. */
  register(consumer: SettledConsumer): void {
    if (this.consumers.some((c) => c.name === consumer.name))
      throw new Error(`consumer ${consumer.name} twice`);
    this.consumers.push(consumer);
  }

  /** Names of the registered consumers. */
  get consumerNames(): string[] {
    return this.consumers.map((c) => c.name);
  }

  /** True while this replica holds the lease. */
  get isLeader(): boolean {
    return this.leader;
  }

  /** Follows in the background until `stop`. */
  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      let busy = false;
      try {
        busy = await this.round();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (!this.stopped)
        this.timer = setTimeout(() => (this.running = loop()), busy ? 0 : this.options.pollMs);
    };
    this.running = loop();
  }

  /** Stops after the current batch and gives the lease up. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (this.leader) await this.store.releaseLease(LEASE_NAME, this.holder).catch(() => undefined);
    this.leader = false;
  }

  /**
   * One round: takes or renews the lease, then per log type reads one batch for the consumers furthest behind.
   * Resolves true when more is waiting (catching up). Public for tests.
   */
  async round(): Promise<boolean> {
    const now = this.now();
    this.leader = await this.store.holdLease(LEASE_NAME, this.holder, now, now + this.options.leaseMs);
    if (!this.leader) return false;
    // A Loki without the delete API (retention off) or a failed read must not stop the following itself.
    await this.options.deletions
      ?.check(now, (t, a, b) => this.redeliver(t, a, b))
      .catch((error: unknown) => this.options.onError?.(error));
    const settledMs = Math.floor((now - this.options.settleMs) / MINUTE_MS) * MINUTE_MS;
    const oldestMs = Math.ceil((now - this.options.retentionMs) / MINUTE_MS) * MINUTE_MS;
    const startMs = Math.floor((this.options.startMs ?? oldestMs) / MINUTE_MS) * MINUTE_MS;
    let more = false;
    for (const logType of this.options.logTypes ?? LOG_TYPES) {
      const cursors = await Promise.all(
        this.consumers.map(async (c) => ({ c, at: await this.store.cursor(c.name, logType, startMs) }))
      );
      for (const { c, at } of cursors) {
        if (at.startMs < oldestMs) {
          await c.expire(BigInt(oldestMs) * NS_PER_MS);
          await this.store.expireBefore(c.name, logType, oldestMs);
        }
      }
      const behind = cursors.map(({ c, at }) => ({ c, cursorMs: Math.max(at.cursorMs, oldestMs) }));
      const fromMs = Math.min(...behind.map((b) => b.cursorMs));
      if (behind.length === 0 || fromMs >= settledMs) {
        await this.reread(logType, settledMs);
        continue;
      }
      const toMs = Math.min(fromMs + this.options.batchMinutes * MINUTE_MS, settledMs);
      const entries = await this.read(logType, fromMs, toMs);
      for (const { c, cursorMs } of behind) {
        if (cursorMs >= toMs) continue;
        const from = BigInt(cursorMs) * NS_PER_MS;
        await c.consume({
          logType,
          fromNs: from,
          toNs: BigInt(toMs) * NS_PER_MS,
          entries: cursorMs === fromMs ? entries : entries.filter((e) => e.ts >= from),
        });
        await this.store.advance(c.name, logType, toMs);
      }
      if (toMs < settledMs) more = true;
      else await this.reread(logType, settledMs);
      if (this.stopped) break;
    }
    if (!more && !this.stopped) await this.sweep(now);
    return more;
  }

  /**
   * Delivers the kept minutes of [fromMs, toMs) again, read now, to every consumer that kept them (each within
   * its own [start, cursor)), `batchMinutes` at a time. Public for tests.
   */
  async redeliver(logType: LogType, fromMs: number, toMs: number): Promise<void> {
    const kept = (await this.store.cursors()).filter(
      (c) => c.logType === logType && this.consumers.some((k) => k.name === c.consumer)
    );
    if (kept.length === 0) return;
    const lo = Math.max(fromMs, Math.min(...kept.map((c) => c.startMs)));
    const hi = Math.min(toMs, Math.max(...kept.map((c) => c.cursorMs)));
    for (let a = lo; a < hi; a += this.options.batchMinutes * MINUTE_MS) {
      const b = Math.min(a + this.options.batchMinutes * MINUTE_MS, hi);
      const entries = await this.read(logType, a, b);
      for (const c of this.consumers) {
        const at = kept.find((k) => k.consumer === c.name);
        if (!at) continue;
        const from = Math.max(a, at.startMs);
        const to = Math.min(b, at.cursorMs);
        if (to <= from) continue;
        const [fromNs, toNs] = [BigInt(from) * NS_PER_MS, BigInt(to) * NS_PER_MS];
        await c.consume({
          logType,
          fromNs,
          toNs,
          entries: from === a && to === b ? entries : entries.filter((e) => e.ts >= fromNs && e.ts < toNs),
        });
      }
      if (this.stopped) return;
    }
  }

  /** One step of the slow re-proof: the next `batchMinutes` kept minutes of each log type, at the set pace. */
  private async sweep(now: number): Promise<void> {
    const perHour = this.options.reproveMinutesPerHour ?? 0;
    if (perHour <= 0) return;
    const everyMs = (this.options.batchMinutes * 3_600_000) / perHour;
    if (this.lastSweepMs !== undefined && now - this.lastSweepMs < everyMs) return;
    this.lastSweepMs = now;
    const cursors = await this.store.cursors();
    for (const logType of this.options.logTypes ?? LOG_TYPES) {
      const kept = cursors.filter(
        (c) => c.logType === logType && this.consumers.some((k) => k.name === c.consumer)
      );
      if (kept.length === 0) continue;
      const startMs = Math.min(...kept.map((c) => c.startMs));
      const endMs = Math.max(...kept.map((c) => c.cursorMs));
      let at = (await this.store.sweepAt(logType)) ?? startMs;
      if (at < startMs || at >= endMs) at = startMs; // round again from the oldest kept minute
      if (at >= endMs) continue;
      const to = Math.min(at + this.options.batchMinutes * MINUTE_MS, endMs);
      await this.redeliver(logType, at, to);
      await this.store.sweepTo(logType, to);
    }
  }

  /** Per log type, where every consumer's kept data ends (read from the database: any replica can tell). */
  async status(): Promise<FollowerStatus> {
    const names = new Set(this.consumerNames);
    const logTypes: Record<string, { keptFromNs: bigint; caughtUpToNs: bigint }> = {};
    const byType = new Map<string, Array<{ startMs: number; cursorMs: number }>>();
    for (const c of await this.store.cursors()) {
      if (!names.has(c.consumer)) continue;
      byType.set(c.logType, [...(byType.get(c.logType) ?? []), c]);
    }
    for (const [logType, cs] of byType) {
      if (cs.length < names.size) continue;
      logTypes[logType] = {
        keptFromNs: BigInt(Math.max(...cs.map((c) => c.startMs))) * NS_PER_MS,
        caughtUpToNs: BigInt(Math.min(...cs.map((c) => c.cursorMs))) * NS_PER_MS,
      };
    }
    return { logTypes };
  }

  /** What `consumer` keeps of `logType`: [startMs, cursorMs), or undefined before it started. */
  async keptBy(
    consumer: string,
    logType: LogType
  ): Promise<{ startMs: number; cursorMs: number } | undefined> {
    return (await this.store.cursors()).find((c) => c.consumer === consumer && c.logType === logType);
  }

  /** Re-reads the last settled minutes for late records, every half of `rereadMinutes`. */
  private async reread(logType: LogType, settledMs: number): Promise<void> {
    const minutes = this.options.rereadMinutes;
    if (minutes <= 0) return;
    const last = this.lastReread.get(logType);
    if (last !== undefined && settledMs - last < (minutes * MINUTE_MS) / 2) return;
    this.lastReread.set(logType, settledMs);
    if (last === undefined) return; // the batches just read are fresh
    const fromMs = settledMs - minutes * MINUTE_MS;
    const entries = await this.read(logType, fromMs, settledMs);
    for (const c of this.consumers)
      await c.consume({
        logType,
        fromNs: BigInt(fromMs) * NS_PER_MS,
        toNs: BigInt(settledMs) * NS_PER_MS,
        entries,
      });
  }

  private async read(logType: LogType, fromMs: number, toMs: number): Promise<LokiEntry[]> {
    const out: LokiEntry[] = [];
    for await (const page of readAllEntries(this.loki, {
      query: buildSelector(logType, { serviceName: this.options.serviceName }),
      start: BigInt(fromMs) * NS_PER_MS,
      end: BigInt(toMs) * NS_PER_MS,
      pageSize: this.options.pageSize,
    }))
      out.push(...page.entries);
    return out;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
