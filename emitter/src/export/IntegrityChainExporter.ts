import type { Attributes } from '@opentelemetry/api';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { CHECKPOINT_EVENT_NAME, INTEGRITY_ATTR } from '@auditlens/contract';
import {
  CHAIN_SEQ,
  logTypeOfEventName,
  type Chain,
  type ChainLedger,
  type SeqStamped,
} from '../integrity/chain-ledger';
import { checkpointOf, type CheckpointRecord } from '../integrity/checkpoint-writer';
import type { CheckpointPolicy } from '../integrity/checkpoint-policy';
import { RecordHasher, hrTimeToNanos } from '../integrity/record-hash';

/**
 * Links each audit record into its chain as it leaves the batch queue, off the caller's path: adds
 * `audit.chain.seq` (stamped on the record when it was recorded, see `ChainLedger.stamp`), `audit.chain.id`,
 * `audit.chain.prev` and `audit.chain.hash` to the records and hands them on. Batches leave the queue in the order they were recorded, so hashes are
 * linked in seq order. Writes a checkpoint of a chain's head every `everyRecords` records, every `everyMillis`
 * while its head moves, and a final one at shutdown, through `checkpoints` (a path that skips the emitter's
 * delivery counters). Records without a seq (not the emitter's) pass unchanged.
 */
export class IntegrityChainExporter implements LogRecordExporter {
  private readonly pending = new Set<Promise<void>>();
  private readonly hasher = new RecordHasher();
  private readonly timer: NodeJS.Timeout;
  private origin: { resource: Resource; scope: InstrumentationScope } | undefined;
  private stopped = false;

  constructor(
    private readonly records: LogRecordExporter,
    private readonly checkpoints: LogRecordExporter,
    private readonly ledger: ChainLedger,
    private readonly policy: CheckpointPolicy
  ) {
    this.timer = setInterval(() => this.checkpointIdle(), Math.max(10, Math.min(policy.everyMillis, 1000)));
    this.timer.unref();
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const linked = records.map((r) => this.link(r));
    this.records.export(linked, resultCallback);
    for (const chain of this.ledger.started()) {
      if (chain.headSeq - chain.checkpointedSeq >= this.policy.everyRecords)
        this.writeCheckpoint(chain, false);
    }
  }

  /** Waits for the checkpoints being written, then flushes the records' exporter. */
  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
    await this.records.forceFlush();
  }

  /** Writes a final checkpoint of every chain, waits for them, then shuts the records' exporter down. */
  async shutdown(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      clearInterval(this.timer);
      for (const chain of this.ledger.started()) this.writeCheckpoint(chain, true);
    }
    await Promise.all(this.pending);
    await this.records.shutdown();
  }

  private link(r: ReadableLogRecord): ReadableLogRecord {
    const seq = (r as SeqStamped)[CHAIN_SEQ];
    const logType = logTypeOfEventName(r.eventName);
    if (seq === undefined || logType === undefined) return r;
    this.origin ??= { resource: r.resource, scope: r.instrumentationScope };
    const chain = this.ledger.chainOf(logType);
    const prev = chain.headHash;
    // The records are the emitter's own provider's, seen by no other processor: they get their chain fields in
    // place rather than as a copy (a copy per record measured as a tenth of the chaining's cost).
    const attributes = r.attributes as Attributes;
    attributes[INTEGRITY_ATTR.seq] = seq;
    attributes[INTEGRITY_ATTR.chainId] = chain.id;
    attributes[INTEGRITY_ATTR.prev] = prev;
    const timestamp = hrTimeToNanos(r.hrTime);
    const hash = this.hasher.hash(
      { logType, timestamp, severityNumber: r.severityNumber, body: r.body, attributes },
      prev
    );
    attributes[INTEGRITY_ATTR.hash] = hash;
    chain.headSeq = seq;
    chain.headHash = hash;
    chain.headTime = timestamp;
    return r;
  }

  private checkpointIdle(): void {
    const now = Date.now();
    for (const chain of this.ledger.started()) {
      if (chain.headSeq > chain.checkpointedSeq && now - chain.checkpointedAt >= this.policy.everyMillis)
        this.writeCheckpoint(chain, false);
    }
  }

  private writeCheckpoint(chain: Chain, final: boolean): void {
    const origin = this.origin;
    if (!origin) return;
    const writing: Promise<void> = checkpointOf(chain, final, this.policy.signer)
      .then((checkpoint) => this.send(checkpoint, origin))
      .catch((error: unknown) =>
        this.policy.onError(`could not write the integrity checkpoint of the ${chain.logType} chain`, error)
      )
      .finally(() => this.pending.delete(writing));
    this.pending.add(writing);
  }

  private send(
    checkpoint: CheckpointRecord,
    origin: { resource: Resource; scope: InstrumentationScope }
  ): Promise<void> {
    const record: ReadableLogRecord = {
      hrTime: checkpoint.time,
      hrTimeObserved: checkpoint.time,
      severityText: 'INFO',
      severityNumber: 9,
      body: checkpoint.body,
      eventName: CHECKPOINT_EVENT_NAME,
      resource: origin.resource,
      instrumentationScope: origin.scope,
      attributes: checkpoint.attributes,
      droppedAttributesCount: 0,
    };
    return new Promise((resolve, reject) =>
      this.checkpoints.export([record], (result) =>
        result.code === ExportResultCode.SUCCESS
          ? resolve()
          : reject(result.error ?? new Error('export failed'))
      )
    );
  }
}
