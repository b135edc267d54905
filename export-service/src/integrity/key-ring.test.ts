import { generateKeyPairSync } from 'node:crypto';
import { ed25519PublicKey, maySign, parseKeyRing } from './key-ring';

describe('checkpoint public keys', () => {
  const { publicKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64');
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('reads PEM, base64 SPKI DER and base64 raw keys as the same key', () => {
    for (const text of [pem, spki, raw]) expect(ed25519PublicKey(text).equals(publicKey)).toBe(true);
  });

  it('reads INTEGRITY_PUBLIC_KEYS pairs and the JSON file with what each key may sign, the variable winning', () => {
    const other = generateKeyPairSync('ed25519').publicKey;
    const ring = parseKeyRing(
      `helpdesk-2026@helpdesk=${spki}, billing@billing-api=${raw}, shared@*=${raw}`,
      JSON.stringify({
        'helpdesk-2026': { key: other.export({ type: 'spki', format: 'pem' }), services: ['elsewhere'] },
        old: { key: pem, services: ['helpdesk', 'helpdesk-eu'], logTypes: ['access', 'activity'] },
      })
    );
    expect(ring.ids().sort()).toEqual(['billing', 'helpdesk-2026', 'old', 'shared']);
    expect(ring.get('helpdesk-2026')!.key.equals(publicKey)).toBe(true);
    expect(ring.get('helpdesk-2026')!.services).toEqual(['helpdesk']);
    expect(ring.bindings()).toEqual({
      'helpdesk-2026': 'service helpdesk, any log type',
      billing: 'service billing-api, any log type',
      shared: 'any service, any log type',
      old: 'services helpdesk, helpdesk-eu, log types access, activity',
    });
  });

  it('lets a key sign only the chains of its producers and log types', () => {
    const ring = parseKeyRing(
      `helpdesk-2026@helpdesk=${spki}, shared@*=${raw}`,
      JSON.stringify({ webhooks: { key: pem, services: ['*'], logTypes: ['webhook_failure'] } })
    );
    const helpdesk = ring.get('helpdesk-2026')!;
    expect(maySign(helpdesk, 'helpdesk', 'access')).toBe(true);
    expect(maySign(helpdesk, 'helpdesk', 'integration_failure')).toBe(true);
    expect(maySign(helpdesk, 'billing', 'access')).toBe(false);
    expect(maySign(helpdesk, '', 'access')).toBe(false);
    expect(maySign(helpdesk, 'Helpdesk', 'access')).toBe(false);
    expect(maySign(ring.get('shared')!, 'billing', 'access')).toBe(true);
    expect(maySign(ring.get('webhooks')!, 'billing', 'webhook_failure')).toBe(true);
    expect(maySign(ring.get('webhooks')!, 'billing', 'access')).toBe(false);
  });

  it('refuses a key that names no producer, saying how to write it', () => {
    expect(() => parseKeyRing(`helpdesk-2026=${spki}`, undefined)).toThrow(
      'INTEGRITY_PUBLIC_KEYS: key helpdesk-2026 names no producer: write helpdesk-2026@<service_name>=<key>'
    );
    expect(() => parseKeyRing(undefined, JSON.stringify({ old: pem }))).toThrow(
      /INTEGRITY_PUBLIC_KEYS_FILE: key old names no producer: write "old": \{"key": "<PEM or base64>", "services": \["<service_name>"\]\}/
    );
    expect(() => parseKeyRing(undefined, JSON.stringify({ old: { key: pem } }))).toThrow(
      /key old: "services" must list/
    );
    expect(() => parseKeyRing(undefined, JSON.stringify({ old: { key: pem, services: [] } }))).toThrow(
      /key old: "services" must list/
    );
  });

  it('names the key that is wrong', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    expect(() => parseKeyRing('k1@helpdesk=abcd', undefined)).toThrow(/INTEGRITY_PUBLIC_KEYS: key k1/);
    expect(() => parseKeyRing('justtext', undefined)).toThrow(/keyId@service=base64/);
    expect(() => parseKeyRing(`k1@=${spki}`, undefined)).toThrow(/key k1: bad service name ""/);
    expect(() => parseKeyRing(`k/1@helpdesk=${spki}`, undefined)).toThrow(/bad key id "k\/1"/);
    expect(() => parseKeyRing(undefined, JSON.stringify({ r: { key: rsa, services: ['x'] } }))).toThrow(
      /key r: a rsa key, not Ed25519/
    );
    expect(() =>
      parseKeyRing(undefined, JSON.stringify({ k: { key: pem, services: ['x'], logTypes: ['checkpoint'] } }))
    ).toThrow(/key k: "logTypes" must list log types among activity, access/);
    expect(() =>
      parseKeyRing(undefined, JSON.stringify({ k: { key: pem, services: ['x'], service: 'y' } }))
    ).toThrow(/key k: unknown field service/);
    expect(() => parseKeyRing(undefined, '[1]')).toThrow(/JSON object/);
  });
});
