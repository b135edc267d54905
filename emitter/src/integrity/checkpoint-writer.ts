import type { Attributes, HrTime } from '@opentelemetry/api';
import {
  ATTR,
  CHECKPOINT_LOG_TYPE,
  INTEGRITY_ATTR,
  canonicalCheckpoint,
  type CheckpointStatement,
} from '@auditlens/contract';
import { nowHrTime } from '../encode/clock';
import { uuidv7 } from '../encode/event-id';
import type { Chain } from './chain-ledger';
import type { CheckpointSigner } from './checkpoint-signer';
import { hrTimeToNanos } from './record-hash';

/** A checkpoint ready to be sent as a log record (its `audit.log_type` is {@link CHECKPOINT_LOG_TYPE}). */
export interface CheckpointRecord {
  readonly time: HrTime;
  readonly body: string;
  readonly attributes: Attributes;
}

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The checkpoint of a chain's head as it is now, signed when there is a signer. Marks the chain as
 * checkpointed at that head before signing, so that the same head is not checkpointed twice meanwhile.
 */
export async function checkpointOf(
  chain: Chain,
  final: boolean,
  signer: CheckpointSigner | undefined
): Promise<CheckpointRecord> {
  const time = nowHrTime();
  const statement: CheckpointStatement = {
    logType: chain.logType,
    chainId: chain.id,
    seq: chain.headSeq,
    hash: chain.headHash,
    headTime: hrTimeToNanos(chain.headTime),
    time: hrTimeToNanos(time),
    final,
    keyId: signer?.keyId ?? '',
  };
  chain.checkpointedSeq = chain.headSeq;
  chain.checkpointedAt = Date.now();
  const attributes: Attributes = {
    [ATTR.logType]: CHECKPOINT_LOG_TYPE,
    [ATTR.eventId]: uuidv7(),
    [INTEGRITY_ATTR.checkpointLogType]: statement.logType,
    [INTEGRITY_ATTR.chainId]: statement.chainId,
    [INTEGRITY_ATTR.seq]: statement.seq,
    [INTEGRITY_ATTR.hash]: statement.hash,
    [INTEGRITY_ATTR.checkpointHeadTime]: statement.headTime,
  };
  if (final) attributes[INTEGRITY_ATTR.checkpointFinal] = 'true';
  if (signer) {
    attributes[INTEGRITY_ATTR.checkpointKeyId] = signer.keyId;
    attributes[INTEGRITY_ATTR.checkpointSignature] = await signer.sign(
      Buffer.from(canonicalCheckpoint(statement, byteLength), 'utf8')
    );
  }
  const how = signer ? `signed by ${signer.keyId}` : 'unsigned';
  return {
    time,
    body: `Integrity checkpoint of ${chain.logType} chain ${chain.id} at ${chain.headSeq}${final ? ' (final)' : ''}, ${how}`,
    attributes,
  };
}
