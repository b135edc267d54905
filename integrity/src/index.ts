// The public surface of @auditlens/integrity, named one by one: reading chained records and checkpoints, the
// verifier and its outcome, the keys and their binding to producers, signed export manifests, the service's own
// signing key, and the report's words. The verifier's per-chain state machine and its sequence sets stay inside.

export { parseChainEntry, SERVICE_LABEL } from './chain-entry';
export type { ChainEntry, ParsedEntry } from './chain-entry';
export { parseCheckpoint } from './checkpoint-entry';
export type { Checkpoint, CheckpointTrust } from './checkpoint-entry';

export { ChainVerifier, MAX_LISTED_PROBLEMS, MAX_LISTED_CHAINS } from './chain-verifier';
export type { VersionReader } from './chain-verifier';
export type { ChainOutcome, ChainRun, FoundProblem, VersionsBySeq } from './chain-state';

export { KeyRing, parseKeyRing, maySign, describeBinding, ed25519PublicKey, ANY_SERVICE } from './key-ring';
export type { RingKey } from './key-ring';
export { fileDigest, manifestPayload, signManifest, checkAgainstManifest } from './manifest';
export type { UnsignedManifest, ManifestCheck } from './manifest';
export { serviceSigningKey, loadServiceSigningKey } from './service-key';
export type { ServiceSigningKey } from './service-key';

export { integritySentence, integrityMailLines } from './report-text';

export { proveStretch } from './minute-proof';
export type { ChainRuns, StretchProof } from './minute-proof';
