import type { Attributes, HrTime } from '@opentelemetry/api';
import { INTEGRITY_ATTR } from '@auditlens/contract';
import type { Chain, ChainLedger } from './chain-ledger';
import { checkpointOf, type CheckpointRecord } from './checkpoint-writer';
import type { CheckpointPolicy } from './checkpoint-policy';
import { RecordHasher } from './record-hash';

/**
 * What both chainers share (after sdk-logs' `BatchLogRecordProcessorBase`): the ledger, one reused hasher, the
 * checkpoint policy and its timer, the checkpoints being signed and sent, flush and shutdown. A subclass decides
 * only when records are linked ({@link append}) and how a checkpoint travels ({@link sendCheckpoint}).
 * Checkpoints are written every `everyRecords` records of a chain ({@link checkpointIfFull}, called by the
 * subclass), every `everyMillis` while its head moves (the timer), and a final one at {@link shutdown}.
 */
export abstract class ChainerBase {
  private readonly pending = new Set<Promise<void>>();
  private readonly hasher = new RecordHasher();
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    protected readonly ledger: ChainLedger,
    private readonly policy: CheckpointPolicy
  ) {
    this.timer = setInterval(() => this.checkpointIdle(), Math.max(10, Math.min(policy.everyMillis, 1000)));
    this.timer.unref();
  }

  /** Waits for the checkpoints being signed and sent, then {@link onForceFlush}. */
  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
    await this.onForceFlush();
  }

  /**
   * Writes a final checkpoint of every chain (once; a second call only waits), waits for the checkpoints being
   * signed and sent, then {@link onShutdown}.
   */
  async shutdown(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      clearInterval(this.timer);
      for (const chain of this.ledger.started()) this.writeCheckpoint(chain, true);
    }
    await Promise.all(this.pending);
    await this.onShutdown();
  }

  /** Sends a signed (or unsigned) checkpoint; a rejection or throw goes to the policy's `onError`. */
  protected abstract sendCheckpoint(checkpoint: CheckpointRecord): Promise<void> | void;

  /** Runs after {@link forceFlush} has waited for the checkpoints. */
  protected abstract onForceFlush(): Promise<void>;

  /** Runs after {@link shutdown} has waited for the final checkpoints. */
  protected abstract onShutdown(): Promise<void>;

  /**
   * Links a record, given its seq, into `chain`: adds `audit.chain.seq`, `audit.chain.id`, `audit.chain.prev`
   * and `audit.chain.hash` to `attributes` in place, and moves the chain's head to it. Positional arguments
   * rather than a record object: this runs once per record, and the only object it makes is the hasher's view.
   */
  protected append(
    chain: Chain,
    seq: number,
    logType: string,
    time: HrTime,
    severityNumber: number | undefined,
    body: unknown,
    attributes: Attributes
  ): void {
    const prev = chain.headHash;
    attributes[INTEGRITY_ATTR.seq] = seq;
    attributes[INTEGRITY_ATTR.chainId] = chain.id;
    attributes[INTEGRITY_ATTR.prev] = prev;
    const hash = this.hasher.hash(prev, logType, time, severityNumber, body, attributes);
    attributes[INTEGRITY_ATTR.hash] = hash;
    chain.headSeq = seq;
    chain.headHash = hash;
    // Kept as it is: its decimal string is made only when a checkpoint states it.
    chain.headTime = time;
  }

  /** Writes a checkpoint of `chain` when `everyRecords` records were linked since its last one. */
  protected checkpointIfFull(chain: Chain): void {
    if (chain.headSeq - chain.checkpointedSeq >= this.policy.everyRecords) this.writeCheckpoint(chain, false);
  }

  private checkpointIdle(): void {
    const now = Date.now();
    for (const chain of this.ledger.started()) {
      if (chain.headSeq > chain.checkpointedSeq && now - chain.checkpointedAt >= this.policy.everyMillis)
        this.writeCheckpoint(chain, false);
    }
  }

  private writeCheckpoint(chain: Chain, final: boolean): void {
    const writing: Promise<void> = checkpointOf(chain, final, this.policy.signer)
      .then((checkpoint) => this.sendCheckpoint(checkpoint))
      .catch((error: unknown) =>
        this.policy.onError(`could not write the integrity checkpoint of the ${chain.logType} chain`, error)
      )
      .finally(() => this.pending.delete(writing));
    this.pending.add(writing);
  }
}
