import type { LogType } from '@auditlens/contract';
import { readAllEntries, type LokiClient, type LokiEntry } from '@auditlens/loki';
import { parseCheckpoint, proveStretch, type Checkpoint, type KeyRing } from '@auditlens/integrity';
import type { SettledBatch, SettledConsumer } from '../follower/settled-batch';
import { checkpointsQuery } from './integrity-queries';
import type { KeptMinute, ProofStore } from './proof-store';

const MINUTE_NS = 60_000_000_000n;
const NS_PER_MS = 1_000_000n;

/**
 * The integrity consumer: verifies each settled minute of a log type once, chain by chain, and keeps what it
 * proved (runs of linked, unaltered records with their edges, the hashes checkpoints name) and the checkpoints
 * written in it. A minute with anything else in it (a broken link, an altered or duplicated record) is kept as
 * "read again": its report is then made from its records, as a full re-read does.
 */
export class ProofKeeper implements SettledConsumer {
  readonly name = 'integrity';

  constructor(
    private readonly loki: LokiClient,
    private readonly keys: KeyRing,
    private readonly store: ProofStore,
    private readonly options: { readonly serviceName?: string; readonly now?: () => number } = {}
  ) {}

  async consume(batch: SettledBatch): Promise<void> {
    // The checkpoints written from the batch's start until now: those naming a seq of the batch come after it.
    const nowNs = BigInt((this.options.now ?? Date.now)() + 1) * NS_PER_MS;
    const written = await this.checkpointsWritten(
      batch.logType,
      batch.fromNs,
      nowNs > batch.toNs ? nowNs : batch.toNs
    );
    const parsed = written.map((e) => parseCheckpoint(e, this.keys)).filter((c): c is Checkpoint => !!c);
    const byMinute = new Map<bigint, LokiEntry[]>();
    for (const e of batch.entries) {
      const minute = e.ts - (e.ts % MINUTE_NS);
      let list = byMinute.get(minute);
      if (!list) byMinute.set(minute, (list = []));
      list.push(e);
    }
    const minutes: KeptMinute[] = [...byMinute].map(([minute, entries]) => ({
      minuteMs: Number(minute / NS_PER_MS),
      proof: proveStretch(entries, parsed),
    }));
    const checkpoints = new Map<number, LokiEntry[]>();
    for (const e of written) {
      if (e.ts < batch.fromNs || e.ts >= batch.toNs) continue;
      const minuteMs = Number((e.ts - (e.ts % MINUTE_NS)) / NS_PER_MS);
      checkpoints.set(minuteMs, [...(checkpoints.get(minuteMs) ?? []), e]);
    }
    await this.store.replace(
      batch.logType,
      Number(batch.fromNs / NS_PER_MS),
      Number(batch.toNs / NS_PER_MS),
      minutes,
      checkpoints
    );
  }

  async expire(beforeNs: bigint): Promise<void> {
    await this.store.expire(Number(beforeNs / NS_PER_MS));
  }

  private async checkpointsWritten(logType: LogType, fromNs: bigint, toNs: bigint): Promise<LokiEntry[]> {
    const out: LokiEntry[] = [];
    for await (const page of readAllEntries(this.loki, {
      query: checkpointsQuery(logType, { serviceName: this.options.serviceName }),
      start: fromNs,
      end: toNs,
    }))
      out.push(...page.entries);
    return out;
  }
}
