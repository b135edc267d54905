// The public surface of @auditlens/integrity: chain verification, keys, signed manifests and their report text.
export * from './chain-entry';
export * from './chain-state';
export * from './chain-verifier';
export * from './checkpoint-entry';
export * from './key-ring';
export * from './manifest';
export * from './minute-proof';
export * from './report-text';
export * from './seq-set';
export * from './service-key';
