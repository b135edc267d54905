import { redactChanges } from '../../src';
import { FAKE } from '../support/fake-secrets';

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

  // [what, changes, expected]
  const rows: ReadonlyArray<readonly [string, unknown, unknown]> = [
    [
      'an array of field changes naming a secret field',
      [
        { field: 'smtp_password', from: 'old-pass', to: 'new-pass' },
        { field: 'smtp_host', from: 'mail1.acme.test', to: 'mail2.acme.test' },
      ],
      [
        { field: 'smtp_password', from: '[REDACTED]', to: '[REDACTED]' },
        { field: 'smtp_host', from: 'mail1.acme.test', to: 'mail2.acme.test' },
      ],
    ],
    [
      'one such change as an object, with other names for the values',
      { field: 'API token', old_value: 'a', new_value: 'b', type: 'string' },
      { field: 'API token', old_value: '[REDACTED]', new_value: '[REDACTED]', type: 'string' },
    ],
    [
      'JSON Patch',
      [{ op: 'replace', path: '/integrations/slack/webhook_secret', value: 'x' }],
      [{ op: 'replace', path: '/integrations/slack/webhook_secret', value: '[REDACTED]' }],
    ],
    [
      'a name/value setting (booleans hold no secret)',
      { name: 'Signing secret', value: { current: 'abc' }, enabled: true },
      { name: 'Signing secret', value: '[REDACTED]', enabled: true },
    ],
    [
      'webhook URLs under innocent keys',
      {
        webhook_url: {
          from: 'https://hooks.slack.com/services/T0/B0/old',
          to: 'https://discord.com/api/webhooks/9/new',
        },
      },
      {
        webhook_url: {
          from: 'https://hooks.slack.com/services/[REDACTED]',
          to: 'https://discord.com/api/webhooks/9/[REDACTED]',
        },
      },
    ],
    [
      'tokens inside text values',
      { note: `rotated to ${FAKE.stripe}`, url: 'https://bob:pw@crm.acme.test/in' },
      { note: 'rotated to sk_live_[REDACTED]', url: 'https://[REDACTED]@crm.acme.test/in' },
    ],
    ['a secret under the key "key"', { key: FAKE.stripe }, { key: '[REDACTED]' }],
  ];

  it.each(rows)('%s', (_what, changes, expected) => {
    expect(redactChanges(changes)).toEqual(expected);
  });

  it('survives cycles and dates', () => {
    const a: Record<string, unknown> = { when: new Date('2026-01-01T00:00:00Z') };
    a['self'] = a;
    expect(redactChanges(a)).toEqual({ when: '2026-01-01T00:00:00.000Z', self: '[…]' });
  });
});
