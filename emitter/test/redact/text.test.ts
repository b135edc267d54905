import { redactText } from '../../src';
import { FAKE } from '../support/fake-secrets';

describe('redactText: credentials inside error messages, summaries and other free text', () => {
  // [what, input, expected output]
  const rows: ReadonlyArray<readonly [string, string, string]> = [
    [
      'a webhook URL',
      'POST https://hooks.slack.com/services/T0001/B0001/abcdefXYZ failed: 404 no_service',
      'POST https://hooks.slack.com/services/[REDACTED] failed: 404 no_service',
    ],
    [
      'a webhook URL before punctuation',
      'retry https://discord.com/api/webhooks/1234/AbCdTok, then give up',
      'retry https://discord.com/api/webhooks/1234/[REDACTED], then give up',
    ],
    [
      'basic auth in a URL',
      'connect ECONNREFUSED https://bob:pw@hooks.example.test/in.',
      'connect ECONNREFUSED https://[REDACTED]@hooks.example.test/in.',
    ],
    [
      'a secret query parameter in a quoted URL',
      "GET 'https://api.example.com/v1/items?api_key=k123&page=2' answered 401",
      "GET 'https://api.example.com/v1/items?api_key=[REDACTED]&page=2' answered 401",
    ],
    [
      'an Authorization header',
      'Authorization: Bearer abc.def.ghi rejected',
      'Authorization: Bearer [REDACTED] rejected',
    ],
    [
      'an Authorization header in JSON',
      'headers: {"Authorization":"Basic dXNlcjpwYXNz","Accept":"*/*"}',
      'headers: {"Authorization":"Basic [REDACTED]","Accept":"*/*"}',
    ],
    ['an Authorization header without scheme', 'authorization=s3cr3tvalue', 'authorization=[REDACTED]'],
    [
      'an Authorization header with a JWT',
      `Proxy-Authorization: Bearer ${FAKE.jwt}`,
      'Proxy-Authorization: Bearer [REDACTED]',
    ],
    ['a bearer token', 'token rejected: Bearer 0123456789abcdef', 'token rejected: Bearer [REDACTED]'],
    ['a bearer JWT', `invalid bearer ${FAKE.jwt}`, 'invalid bearer [REDACTED]'],
    [
      'password=',
      'login failed for smtp: password=hunter2 user=alerts',
      'login failed for smtp: password=[REDACTED] user=alerts',
    ],
    [
      'JSON secrets',
      '{"client_secret": "s3cr3t", "client_id": "abc"}',
      '{"client_secret": "[REDACTED]", "client_id": "abc"}',
    ],
    ['a quoted API key', "api_key: 'k-123'", "api_key: '[REDACTED]'"],
    ['a header-style name', 'x-api-key=abcdef123 was refused', 'x-api-key=[REDACTED] was refused'],
    [
      'a Stripe key',
      `Invalid API Key provided: ${FAKE.stripe}`,
      'Invalid API Key provided: sk_live_[REDACTED]',
    ],
    [
      'an AWS access key id',
      `The AWS Access Key Id ${FAKE.aws} does not exist`,
      'The AWS Access Key Id AKIA[REDACTED] does not exist',
    ],
    [
      'a GitHub token',
      `Bad credentials for token ${FAKE.github}`,
      'Bad credentials for token ghp_[REDACTED]',
    ],
    ['a Slack token', `invalid_auth (${FAKE.slackBot})`, 'invalid_auth (xoxb-[REDACTED])'],
    [
      'a private key',
      `cannot parse key ${FAKE.privateKey} from vault`,
      'cannot parse key [REDACTED] from vault',
    ],
  ];

  it.each(rows)('%s', (_what, input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    'OAuth refresh token was revoked',
    'Basic authentication failed',
    'HTTP 502: Bad Gateway; status code: 502, retry in 30s',
    'Salesforce: INVALID_SESSION_ID (session expired) at 10:30:00',
    'request to https://api.example.com/v2/tickets failed',
    'Ticket 0190c2a8-7f3e-7a00-8000-000000000000 not found',
  ])('leaves text without credentials as it is: %j', (text) => {
    expect(redactText(text)).toBe(text);
  });
});
