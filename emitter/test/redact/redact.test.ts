import { redactChanges, redactUrl } from '../../src';
import { capJson } from '../../src/encode/size-caps';

describe('redactChanges', () => {
  it('redacts secret-looking keys at any depth and keeps the rest', () => {
    const out = redactChanges({
      before: {
        name: 'SAML',
        settings: { clientSecret: 's1', certificate_fingerprint: 'ab:cd', monkey: 'ok' },
      },
      after: {
        password: 'p',
        API_KEY: 'k',
        'x-auth-token': 't',
        nested: [{ accessToken: 'a', label: 'keep' }],
      },
      pin: '1234',
    });
    expect(out).toEqual({
      before: {
        name: 'SAML',
        settings: { clientSecret: '[REDACTED]', certificate_fingerprint: 'ab:cd', monkey: 'ok' },
      },
      after: {
        password: '[REDACTED]',
        API_KEY: '[REDACTED]',
        'x-auth-token': '[REDACTED]',
        nested: [{ accessToken: '[REDACTED]', label: 'keep' }],
      },
      pin: '[REDACTED]',
    });
  });

  it('survives cycles and dates', () => {
    const a: Record<string, unknown> = { when: new Date('2026-01-01T00:00:00Z') };
    a['self'] = a;
    expect(redactChanges(a)).toEqual({ when: '2026-01-01T00:00:00.000Z', self: '[…]' });
  });
});

describe('redactUrl', () => {
  it('removes credentials and secret query parameters', () => {
    const out = redactUrl(
      'https://bob:hunter2@hooks.example.test/path?token=abc&sig=zz&id=7&access_token=q#frag'
    );
    expect(out).not.toMatch(/bob|hunter2|abc|zz|=q/);
    expect(out).toContain('id=7');
    expect(out).toContain('hooks.example.test/path');
  });

  it('redacts what is not a URL, since it cannot be checked', () => {
    expect(redactUrl('token=abc')).toBe('[REDACTED]');
  });
});

describe('capJson', () => {
  it('keeps small values as they are and large ones under the cap, still valid JSON', () => {
    expect(capJson({ a: 1 }, 100)).toBe('{"a":1}');
    const big = { text: 'ü'.repeat(50_000) };
    const out = capJson(big, 1000);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(1000);
    expect(JSON.parse(out)).toMatchObject({ truncated: true });
  });
});
