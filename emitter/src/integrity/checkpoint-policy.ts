import type { IntegrityOptions } from '../types';
import type { ChainLedger } from './chain-ledger';
import type { CheckpointSigner } from './checkpoint-signer';
import { createCheckpointSigner } from './checkpoint-signer';

/** When checkpoints are written, who signs them, and where their failures go. */
export interface CheckpointPolicy {
  readonly everyRecords: number;
  readonly everyMillis: number;
  readonly signer: CheckpointSigner | undefined;
  readonly onError: (message: string, cause: unknown) => void;
}

/** The defaults documented in `types.ts`. */
export const CHECKPOINT_DEFAULTS = { everyRecords: 1000, everyMillis: 60_000 } as const;

/** The policy of `options`, checked (throws a TypeError at emitter creation when an option is wrong). */
export function checkpointPolicy(
  options: IntegrityOptions,
  onError: (message: string, cause: unknown) => void
): CheckpointPolicy {
  const everyRecords = options.checkpointEveryRecords ?? CHECKPOINT_DEFAULTS.everyRecords;
  const everyMillis = options.checkpointEveryMillis ?? CHECKPOINT_DEFAULTS.everyMillis;
  if (!Number.isInteger(everyRecords) || everyRecords < 1)
    throw new TypeError('createAuditEmitter: integrity.checkpointEveryRecords must be a whole number ≥ 1');
  if (!Number.isFinite(everyMillis) || everyMillis < 10)
    throw new TypeError('createAuditEmitter: integrity.checkpointEveryMillis must be at least 10');
  return {
    everyRecords,
    everyMillis,
    signer: options.signingKey ? createCheckpointSigner(options.signingKey) : undefined,
    onError,
  };
}

/** The emitter's chains and how their checkpoints are written. */
export interface ChainIntegrity {
  readonly ledger: ChainLedger;
  readonly policy: CheckpointPolicy;
}
