import { generateKeyPairSync } from 'node:crypto';
import { ed25519PublicKey, parseKeyRing } from './key-ring';

describe('checkpoint public keys', () => {
  const { publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('reads PEM, base64 SPKI DER and base64 raw keys as the same key', () => {
    for (const text of [pem, spki, raw]) expect(ed25519PublicKey(text).equals(publicKey)).toBe(true);
  });

  it('reads INTEGRITY_PUBLIC_KEYS pairs and the JSON file, the variable winning', () => {
    const other = generateKeyPairSync('ed25519').publicKey;
    const ring = parseKeyRing(
      `helpdesk-2026=${spki}, billing=${raw}`,
      JSON.stringify({ 'helpdesk-2026': other.export({ type: 'spki', format: 'pem' }), old: pem })
    );
    expect(ring.ids().sort()).toEqual(['billing', 'helpdesk-2026', 'old']);
    expect(ring.get('helpdesk-2026')!.equals(publicKey)).toBe(true);
  });

  it('names the key that is wrong', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(() => parseKeyRing('k1=abcd', undefined)).toThrow(/INTEGRITY_PUBLIC_KEYS: key k1/);
    expect(() => parseKeyRing('justtext', undefined)).toThrow(/keyId=base64/);
    expect(() => parseKeyRing(undefined, JSON.stringify({ r: rsa }))).toThrow(
      /key r: a rsa key, not Ed25519/
    );
    expect(() => parseKeyRing(undefined, '[1]')).toThrow(/JSON object/);
  });
});
