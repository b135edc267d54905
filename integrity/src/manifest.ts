import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { canonicalJson, type ExportManifest } from '@auditlens/contract';
import { ed25519PublicKey } from './key-ring';
import type { ServiceSigningKey } from './service-key';

/** A manifest before it is signed. */
export type UnsignedManifest = Omit<ExportManifest, 'signature' | 'signer'>;

/** SHA-256 (hex) and size of a file, read as a stream. */
export async function fileDigest(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** The bytes a manifest signature covers: its canonical JSON without `signature`. */
export function manifestPayload(manifest: Omit<ExportManifest, 'signature'>): Buffer {
  const { signature: _signature, ...rest } = manifest as ExportManifest;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

/** Signs a manifest with the service's key. */
export function signManifest(unsigned: UnsignedManifest, key: ServiceSigningKey): ExportManifest {
  const withSigner = {
    ...unsigned,
    signer: { keyId: key.keyId, algorithm: 'Ed25519' as const, publicKey: key.publicKeyBase64 },
  };
  return {
    ...withSigner,
    signature: sign(null, manifestPayload(withSigner), key.privateKey).toString('base64'),
  };
}

/** One check of a file against its manifest. */
export interface ManifestCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Checks a file (its digest) against a manifest: the manifest's signature (with `pinnedKey` when given, else
 * with the key the manifest carries, which only proves it was not changed since someone signed it), the file's
 * size and SHA-256. The manifest's integrity report is not re-checked: it says what the service found in Loki.
 */
export function checkAgainstManifest(
  manifest: unknown,
  file: { readonly sha256: string; readonly bytes: number },
  pinnedKey?: KeyObject
): ManifestCheck[] {
  const m = manifest as Partial<ExportManifest>;
  if (m?.format !== 'auditlens-export-manifest-v1' || !m.file || !m.signer || typeof m.signature !== 'string')
    return [
      {
        name: 'manifest',
        ok: false,
        detail: 'not an AuditLens export manifest (auditlens-export-manifest-v1)',
      },
    ];
  const checks: ManifestCheck[] = [];
  let key: KeyObject | undefined = pinnedKey;
  if (!key) {
    try {
      key = ed25519PublicKey(m.signer.publicKey);
    } catch (error) {
      checks.push({
        name: 'signature',
        ok: false,
        detail: `the manifest's key is unreadable: ${(error as Error).message}`,
      });
    }
  }
  if (key) {
    let ok = false;
    try {
      ok = verify(null, manifestPayload(m as ExportManifest), key, Buffer.from(m.signature, 'base64'));
    } catch {
      ok = false;
    }
    const whose = pinnedKey
      ? 'the given public key'
      : `the key in the manifest (${m.signer.keyId}; pin it with --public-key)`;
    checks.push({
      name: 'signature',
      ok,
      detail: ok
        ? `signed with ${whose}`
        : `the signature does not verify with ${whose}: the manifest was changed or signed by another key`,
    });
  }
  checks.push({
    name: 'size',
    ok: file.bytes === m.file.bytes,
    detail: `${file.bytes} bytes${file.bytes === m.file.bytes ? '' : `, the manifest says ${m.file.bytes}`}`,
  });
  checks.push({
    name: 'sha256',
    ok: file.sha256 === m.file.sha256,
    detail:
      file.sha256 === m.file.sha256 ? file.sha256 : `${file.sha256}, the manifest says ${m.file.sha256}`,
  });
  return checks;
}
