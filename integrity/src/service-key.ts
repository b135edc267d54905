import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

/** The Ed25519 key the service signs export manifests with. */
export interface ServiceSigningKey {
  /** `auditlens-export-` and the first 16 hex digits of the SHA-256 of the public key (SPKI DER). */
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key, SPKI DER in base64 (what manifests and the CLI carry). */
  readonly publicKeyBase64: string;
  /** The public key as PEM. */
  readonly publicKeyPem: string;
}

/** The key and id of an Ed25519 private key. */
export function serviceSigningKey(privateKey: KeyObject): ServiceSigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the manifest signing key must be Ed25519');
  const publicKey = createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    keyId: `auditlens-export-${createHash('sha256').update(der).digest('hex').slice(0, 16)}`,
    privateKey,
    publicKey,
    publicKeyBase64: der.toString('base64'),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * The key in the PEM file `path` (PKCS#8), created there (mode 0600) when it does not exist yet and `create` is
 * true. Throws an Error saying what is wrong.
 */
export function loadServiceSigningKey(path: string, create: boolean): ServiceSigningKey {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !create)
      throw new Error(`cannot read the manifest signing key ${path}: ${(error as Error).message}`);
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      // `wx`: a second instance starting at the same time keeps the first one's key.
      writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      return serviceSigningKey(privateKey);
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
      pem = readFileSync(path, 'utf8');
    }
  }
  return serviceSigningKey(createPrivateKey(pem));
}
