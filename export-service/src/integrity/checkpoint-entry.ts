import { verify } from 'node:crypto';
import { INTEGRITY_FIELDS, canonicalCheckpoint, type CheckpointStatement } from '@auditlens/contract';
import type { LokiEntry } from '../loki/types';
import { SERVICE_LABEL } from './chain-entry';
import { describeBinding, maySign, type KeyRing } from './key-ring';

/** Whether a checkpoint can be trusted. */
export type CheckpointTrust = 'valid' | 'bad_signature' | 'unknown_key' | 'unsigned';

/** A checkpoint as read from Loki, with what its signature proved. */
export interface Checkpoint {
  readonly statement: CheckpointStatement;
  /** The producer whose stream it was read from (its `service_name` label). */
  readonly service: string;
  readonly trust: CheckpointTrust;
  /** For `unknown_key` by a key of the ring bound to other chains: what that key may sign. */
  readonly boundTo?: string;
  readonly ts: bigint;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Reads a checkpoint entry and checks its signature; undefined when it is not readable as one. A key of the ring
 * bound to other producers or log types is `unknown_key` for this one (see `docs/integrity.md`), its signature
 * not even checked: it vouches only for the chains it is bound to.
 */
export function parseCheckpoint(e: LokiEntry, keys: KeyRing): Checkpoint | undefined {
  const m = e.metadata;
  const seq = Number(m[INTEGRITY_FIELDS.seq]);
  const statement: CheckpointStatement = {
    logType: m[INTEGRITY_FIELDS.checkpointLogType] ?? '',
    chainId: m[INTEGRITY_FIELDS.chainId] ?? '',
    seq,
    hash: m[INTEGRITY_FIELDS.hash] ?? '',
    headTime: m[INTEGRITY_FIELDS.checkpointHeadTime] ?? '',
    time: String(e.ts),
    final: m[INTEGRITY_FIELDS.checkpointFinal] === 'true',
    keyId: m[INTEGRITY_FIELDS.checkpointKeyId] ?? '',
  };
  if (!statement.chainId || !Number.isSafeInteger(seq) || seq < 1 || !HEX64.test(statement.hash))
    return undefined;
  if (!/^[0-9]{1,20}$/.test(statement.headTime)) return undefined;
  const service = e.labels[SERVICE_LABEL] ?? '';
  const signature = m[INTEGRITY_FIELDS.checkpointSignature];
  if (!signature || !statement.keyId) return { statement, service, trust: 'unsigned', ts: e.ts };
  const ringKey = keys.get(statement.keyId);
  if (!ringKey) return { statement, service, trust: 'unknown_key', ts: e.ts };
  if (!maySign(ringKey, service, statement.logType))
    return { statement, service, trust: 'unknown_key', boundTo: describeBinding(ringKey), ts: e.ts };
  const ok = verify(
    null,
    Buffer.from(canonicalCheckpoint(statement), 'utf8'),
    ringKey.key,
    Buffer.from(signature, 'base64')
  );
  return { statement, service, trust: ok ? 'valid' : 'bad_signature', ts: e.ts };
}
