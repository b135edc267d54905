import { join } from 'node:path';
import type { LogType } from '@auditlens/contract';
import { ConfigError, type Config } from '../config';
import { parseKeyRing, type KeyRing } from './key-ring';
import type { RangeVerificationOptions } from './range-verification';
import { loadServiceSigningKey, type ServiceSigningKey } from './service-key';

/** The log type of the service's own audit events (`jobs/audit-recorder.ts` records activity only): the only chains its key signs. */
export const SERVICE_OWN_LOG_TYPE = 'activity' satisfies LogType;

/** The integrity settings of the configuration, read and checked. */
export interface IntegritySettings {
  readonly keys: KeyRing;
  readonly signingKey: ServiceSigningKey;
  readonly verification: RangeVerificationOptions;
}

/**
 * Reads the checkpoint public keys (`INTEGRITY_PUBLIC_KEYS`, `INTEGRITY_PUBLIC_KEYS_FILE`) and the manifest
 * signing key (`INTEGRITY_SIGNING_KEY_FILE`, default `<DATA_DIR>/integrity-signing-key.pem`, created when
 * absent, or a given file with `INTEGRITY_SIGNING_KEY_CREATE=true`), which also signs the checkpoints of the service's own audit events and so joins the key ring,
 * bound to those alone (`OTEL_SERVICE_NAME`, `activity`): a key that sits next to the service's database cannot
 * vouch for a producer's chains.
 * Throws ConfigError naming what is wrong.
 */
export function integritySettings(config: Config, readFile: (path: string) => string): IntegritySettings {
  let file: string | undefined;
  if (config.INTEGRITY_PUBLIC_KEYS_FILE) {
    try {
      file = readFile(config.INTEGRITY_PUBLIC_KEYS_FILE);
    } catch {
      throw new ConfigError(
        `invalid configuration:\n  INTEGRITY_PUBLIC_KEYS_FILE: cannot read ${config.INTEGRITY_PUBLIC_KEYS_FILE}`
      );
    }
  }
  let keys: KeyRing;
  try {
    keys = parseKeyRing(config.INTEGRITY_PUBLIC_KEYS, file);
  } catch (error) {
    throw new ConfigError(`invalid configuration:\n  ${(error as Error).message}`);
  }
  const keyFile = config.INTEGRITY_SIGNING_KEY_FILE ?? join(config.DATA_DIR, 'integrity-signing-key.pem');
  let signingKey: ServiceSigningKey;
  try {
    signingKey = loadServiceSigningKey(
      keyFile,
      config.INTEGRITY_SIGNING_KEY_FILE === undefined || config.INTEGRITY_SIGNING_KEY_CREATE
    );
  } catch (error) {
    throw new ConfigError(
      `invalid configuration:\n  INTEGRITY_SIGNING_KEY_FILE: ${(error as Error).message}`
    );
  }
  return {
    // The service signs the checkpoints of its own audit events (exports, all `activity`) with its manifest key.
    keys: keys.with(signingKey.keyId, {
      key: signingKey.publicKey,
      services: [config.OTEL_SERVICE_NAME],
      logTypes: [SERVICE_OWN_LOG_TYPE],
    }),
    signingKey,
    verification: {
      serviceName: config.LOKI_SERVICE_NAME,
      pageSize: config.LOKI_MAX_ENTRIES,
      lookbackMs: config.INTEGRITY_LOOKBACK_HOURS * 3_600_000,
      lookaheadMs: config.INTEGRITY_LOOKAHEAD_MINUTES * 60_000,
    },
  };
}
