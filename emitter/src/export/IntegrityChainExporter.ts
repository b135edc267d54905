import type { Attributes } from '@opentelemetry/api';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { CHECKPOINT_EVENT_NAME } from '@auditlens/contract';
import { CHAIN_SEQ, logTypeOfEventName, type ChainLedger, type SeqStamped } from '../integrity/chain-ledger';
import { ChainerBase } from '../integrity/ChainerBase';
import type { CheckpointRecord } from '../integrity/checkpoint-writer';
import type { CheckpointPolicy } from '../integrity/checkpoint-policy';

/**
 * Links each audit record into its chain as it leaves the batch queue, off the caller's path: adds
 * `audit.chain.seq` (stamped on the record when it was recorded, see `ChainLedger.stamp`), `audit.chain.id`,
 * `audit.chain.prev` and `audit.chain.hash` to the records and hands them on. Batches leave the queue in the
 * order they were recorded, so hashes are linked in seq order. Checkpoints (see {@link ChainerBase}) go through
 * `checkpoints` (a path that skips the emitter's delivery counters), with the resource and scope of the first
 * record. Records without a seq (not the emitter's) pass unchanged.
 */
export class IntegrityChainExporter extends ChainerBase implements LogRecordExporter {
  private origin: { resource: Resource; scope: InstrumentationScope } | undefined;

  constructor(
    private readonly records: LogRecordExporter,
    private readonly checkpoints: LogRecordExporter,
    ledger: ChainLedger,
    policy: CheckpointPolicy
  ) {
    super(ledger, policy);
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    for (const record of records) this.link(record);
    this.records.export(records, resultCallback);
    for (const chain of this.ledger.started()) this.checkpointIfFull(chain);
  }

  protected onForceFlush(): Promise<void> {
    return this.records.forceFlush();
  }

  protected onShutdown(): Promise<void> {
    return this.records.shutdown();
  }

  private link(r: ReadableLogRecord): void {
    const seq = (r as SeqStamped)[CHAIN_SEQ];
    if (seq === undefined) return;
    const logType = logTypeOfEventName(r.eventName);
    if (logType === undefined) return;
    this.origin ??= { resource: r.resource, scope: r.instrumentationScope };
    // The records are the emitter's own provider's, seen by no other processor: they get their chain fields in
    // place rather than as a copy (a copy per record measured as a tenth of the chaining's cost).
    this.append(
      this.ledger.chainOf(logType),
      seq,
      logType,
      r.hrTime,
      r.severityNumber,
      r.body,
      r.attributes as Attributes
    );
  }

  protected sendCheckpoint(checkpoint: CheckpointRecord): Promise<void> {
    const origin = this.origin;
    // A chain is checkpointed only once it has linked a record, which set the origin.
    if (!origin) return Promise.reject(new Error('no audit record has been linked yet'));
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
