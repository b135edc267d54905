import { createPublicKey, type KeyObject } from 'node:crypto';

/** The Ed25519 public keys checkpoints may be signed with, by key id. */
export class KeyRing {
  constructor(private readonly keys: ReadonlyMap<string, KeyObject> = new Map()) {}

  /** The key named `keyId`, or undefined. */
  get(keyId: string): KeyObject | undefined {
    return this.keys.get(keyId);
  }

  get size(): number {
    return this.keys.size;
  }

  /** The configured key ids. */
  ids(): string[] {
    return [...this.keys.keys()];
  }

  /** This ring with one more key (a configured key of the same id wins). */
  with(keyId: string, key: KeyObject): KeyRing {
    return this.keys.has(keyId) ? this : new KeyRing(new Map([...this.keys, [keyId, key]]));
  }
}

/**
 * An Ed25519 public key from PEM (`-----BEGIN PUBLIC KEY-----`), or base64 of its 32 raw bytes or of its SPKI
 * DER (the PEM's body on one line, 44 bytes). Throws an Error saying what is wrong.
 */
export function ed25519PublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.startsWith('-----BEGIN')) key = createPublicKey(trimmed);
  else {
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length === 32)
      key = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') },
        format: 'jwk',
      });
    else if (bytes.length > 32) key = createPublicKey({ key: bytes, format: 'der', type: 'spki' });
    else throw new Error('not an Ed25519 public key (PEM, or base64 of 32 raw bytes or of SPKI DER)');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key, not Ed25519`);
  return key;
}

/**
 * Parses `INTEGRITY_PUBLIC_KEYS` (`keyId=<base64>,keyId2=<base64>`) and the JSON of `INTEGRITY_PUBLIC_KEYS_FILE`
 * (`{"keyId": "<PEM or base64>", ...}`) into one key ring; the environment's keys win. Throws an Error naming
 * the key id that is wrong.
 */
export function parseKeyRing(inline: string | undefined, fileJson: string | undefined): KeyRing {
  const keys = new Map<string, KeyObject>();
  const put = (keyId: string, text: string, where: string) => {
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(keyId)) throw new Error(`${where}: bad key id "${keyId}"`);
    try {
      keys.set(keyId, ed25519PublicKey(text));
    } catch (error) {
      throw new Error(`${where}: key ${keyId}: ${(error as Error).message}`);
    }
  };
  if (fileJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fileJson);
    } catch {
      throw new Error('INTEGRITY_PUBLIC_KEYS_FILE: not JSON ({"keyId": "PEM or base64", ...})');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('INTEGRITY_PUBLIC_KEYS_FILE: must be a JSON object of key id to key');
    for (const [keyId, text] of Object.entries(parsed)) {
      if (typeof text !== 'string')
        throw new Error(`INTEGRITY_PUBLIC_KEYS_FILE: key ${keyId} must be a string`);
      put(keyId, text, 'INTEGRITY_PUBLIC_KEYS_FILE');
    }
  }
  for (const pair of (inline ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error('INTEGRITY_PUBLIC_KEYS: must be keyId=base64 pairs separated by commas');
    put(pair.slice(0, at).trim(), pair.slice(at + 1).trim(), 'INTEGRITY_PUBLIC_KEYS');
  }
  return new KeyRing(keys);
}
