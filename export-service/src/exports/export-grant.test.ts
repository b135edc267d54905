import { createHmac } from 'node:crypto';
import { NotAllowedError } from '../domain-errors';
import { GRANT_TTL_MS, issueGrant, verifyGrant } from './export-grant';

describe('export grants', () => {
  const secret = 'a-shared-secret-of-16+';
  const now = Date.parse('2026-11-20T10:00:00Z');

  it('binds the user and the log type, and expires', () => {
    const { grant } = issueGrant(secret, 'u-jane', 'access', now);
    expect(verifyGrant(secret, grant, 'u-jane', now)).toMatchObject({ uid: 'u-jane', logType: 'access' });
    expect(() => verifyGrant(secret, grant, 'u-bob', now)).toThrow(NotAllowedError);
    expect(() => verifyGrant('another-secret-of-16+', grant, 'u-jane', now)).toThrow(NotAllowedError);
    expect(() => verifyGrant(secret, grant, 'u-jane', now + GRANT_TTL_MS + 1)).toThrow(/expired/);
  });

  it('differ when asked for in the same millisecond, so each makes its own export', () => {
    const a = issueGrant(secret, 'u-jane', 'access', now).grant;
    const b = issueGrant(secret, 'u-jane', 'access', now).grant;
    expect(a).not.toEqual(b);
    expect(verifyGrant(secret, b, 'u-jane', now).logType).toBe('access');
  });
  describe('parsed strictly (issue 21)', () => {
    // A grant whose signature has a `-` or `_`, which standard base64 spells `+` or `/`.
    let grant = issueGrant(secret, 'u-jane', 'access', now).grant;
    while (!/[-_]/.test(grant.split('.')[1]!)) grant = issueGrant(secret, 'u-jane', 'access', now).grant;
    const [payload, sig] = grant.split('.') as [string, string];
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // The last of 43 characters carries 4 bits of the 32-byte signature and 2 unused ones: flipping an unused
    // bit spells the same bytes differently.
    const sameBytes = (text: string) => text.slice(0, -1) + ALPHABET[ALPHABET.indexOf(text.at(-1)!) ^ 1]!;
    const plusSlash = (text: string) => text.replaceAll('-', '+').replaceAll('_', '/');

    it.each([
      ['a part appended', `${grant}.x`],
      ['an empty part appended', `${grant}.`],
      ['padding appended', `${grant}=`],
      ['double padding appended', `${grant}==`],
      ['padding on the payload', `${payload}=.${sig}`],
      ['a space at the end', `${grant} `],
      ['a line break at the end', `${grant}\n`],
      ['a line break inside', `${payload}\n.${sig}`],
      ['the signature spelled with other unused bits', `${payload}.${sameBytes(sig)}`],
      ['standard base64 letters', `${plusSlash(payload)}.${plusSlash(sig)}`],
      ['a dot in front', `.${grant}`],
      ['the signature only', sig],
    ])('refuses the grant with %s, though Node decodes it to the same bytes', (_what, variant) => {
      expect(variant).not.toBe(grant);
      expect(() => verifyGrant(secret, variant, 'u-jane', now)).toThrow('invalid export grant');
    });

    it('checks that the variants above would decode to the genuine bytes (so the refusal is the parser’s)', () => {
      expect(Buffer.from(sameBytes(sig), 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
      expect(Buffer.from(`${sig}=`, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
      expect(Buffer.from(plusSlash(sig), 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    });

    it('refuses a correctly signed payload with a key more or a key less than a grant has', () => {
      const sign = (content: object) => {
        const p = Buffer.from(JSON.stringify(content)).toString('base64url');
        const key = createHmac('sha256', 'auditlens-export-grant').update(secret).digest();
        return `${p}.${createHmac('sha256', key).update(p).digest('base64url')}`;
      };
      const content = { uid: 'u-jane', logType: 'access', exp: now + 1000, nonce: 'AAAAAAAAAAAAAAAA' };
      expect(verifyGrant(secret, sign(content), 'u-jane', now).logType).toBe('access');
      expect(() => verifyGrant(secret, sign({ ...content, admin: true }), 'u-jane', now)).toThrow(
        'invalid export grant'
      );
      const { nonce: _nonce, ...withoutNonce } = content;
      expect(() => verifyGrant(secret, sign(withoutNonce), 'u-jane', now)).toThrow('invalid export grant');
      expect(() => verifyGrant(secret, sign({ ...content, exp: '9999999999999' }), 'u-jane', now)).toThrow(
        'invalid export grant'
      );
    });

    it('names each grant by its signed content, one id per grant', () => {
      const a = verifyGrant(secret, grant, 'u-jane', now);
      const other = verifyGrant(secret, issueGrant(secret, 'u-jane', 'access', now).grant, 'u-jane', now);
      expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(a.id).toBe(verifyGrant(secret, grant, 'u-jane', now).id);
      expect(other.id).not.toBe(a.id);
    });
  });
});
