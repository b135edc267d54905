import { readFileSync } from 'node:fs';
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { CheckpointSigningKey } from '../types';

/** Signs checkpoint statements: the key id they name, and an Ed25519 signature (base64) of the bytes. */
export interface CheckpointSigner {
  readonly keyId: string;
  sign(payload: Buffer): Promise<string>;
}

/**
 * The signer of a {@link CheckpointSigningKey}, checked at once: exactly one of `privateKeyFile`, `privateKey`
 * and `sign`, and a key that is Ed25519. Throws a TypeError saying what is wrong (at emitter creation).
 */
export function createCheckpointSigner(key: CheckpointSigningKey): CheckpointSigner {
  if (typeof key.keyId !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(key.keyId)) {
    throw new TypeError(
      'createAuditEmitter: integrity.signingKey.keyId must be 1-128 characters of A-Z a-z 0-9 . _ : -'
    );
  }
  const given = [key.privateKeyFile, key.privateKey, key.sign].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new TypeError(
      'createAuditEmitter: integrity.signingKey needs exactly one of privateKeyFile, privateKey or sign'
    );
  }
  if (key.sign) {
    const remote = key.sign;
    return {
      keyId: key.keyId,
      sign: async (payload) => Buffer.from(await remote(new Uint8Array(payload))).toString('base64'),
    };
  }
  const privateKey = ed25519Key(key);
  return {
    keyId: key.keyId,
    sign: (payload) => Promise.resolve(sign(null, payload, privateKey).toString('base64')),
  };
}

function ed25519Key(key: CheckpointSigningKey): KeyObject {
  let object: KeyObject;
  try {
    if (key.privateKeyFile !== undefined) object = createPrivateKey(readFileSync(key.privateKeyFile));
    else if (typeof key.privateKey === 'string') object = createPrivateKey(key.privateKey);
    else object = key.privateKey!;
  } catch (error) {
    const where = key.privateKeyFile !== undefined ? ` from ${key.privateKeyFile}` : '';
    throw new TypeError(
      `createAuditEmitter: cannot read the checkpoint signing key${where}: ${(error as Error).message}`
    );
  }
  if (object.type !== 'private' || object.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(
      'createAuditEmitter: the checkpoint signing key must be an Ed25519 private key ' +
        '(openssl genpkey -algorithm ed25519 -out checkpoint-key.pem)'
    );
  }
  return object;
}
