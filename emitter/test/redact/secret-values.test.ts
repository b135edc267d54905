import { SECRET_SHAPES, looksLikeSecret, redactSecretShapes } from '../../src/redact/secret-values';
import { FAKE } from '../support/fake-secrets';

describe('redactSecretShapes: secrets told by their shape, wherever they appear', () => {
  // [shape, input, expected output]
  const rows: ReadonlyArray<readonly [string, string, string]> = [
    ['PEM private key', `cannot parse ${FAKE.privateKey} from vault`, 'cannot parse [REDACTED] from vault'],
    ['JWT', `id_token ${FAKE.jwt} expired`, 'id_token [REDACTED] expired'],
    ['Stripe secret or restricted key', `No such key: ${FAKE.stripe}`, 'No such key: sk_live_[REDACTED]'],
    ['Stripe secret or restricted key', FAKE.stripeRestricted, 'rk_test_[REDACTED]'],
    ['Stripe webhook signing secret', `secret ${FAKE.stripeWebhook}.`, 'secret whsec_[REDACTED].'],
    ['Slack token', `token=${FAKE.slackBot}`, 'token=xoxb-[REDACTED]'],
    ['Slack app token', FAKE.slackApp, 'xapp-[REDACTED]'],
    ['GitHub token', `(${FAKE.github})`, '(ghp_[REDACTED])'],
    ['GitHub fine-grained token', FAKE.githubFineGrained, 'github_pat_[REDACTED]'],
    ['GitLab token', FAKE.gitlab, 'glpat-[REDACTED]'],
    [
      'AWS access key id',
      `The AWS Access Key Id ${FAKE.aws} does not exist`,
      'The AWS Access Key Id AKIA[REDACTED] does not exist',
    ],
    ['Google API key', `key=${FAKE.google}&alt=json`, 'key=AIza[REDACTED]&alt=json'],
    ['Google OAuth access token', FAKE.googleOauth, 'ya29.[REDACTED]'],
    ['SendGrid API key', FAKE.sendgrid, 'SG.[REDACTED]'],
    ['npm token', FAKE.npm, 'npm_[REDACTED]'],
    ['OpenAI / Anthropic key', FAKE.openai, 'sk-proj-[REDACTED]'],
    ['OpenAI / Anthropic key', FAKE.anthropic, 'sk-ant-[REDACTED]'],
    ['Shopify token', FAKE.shopify, 'shpat_[REDACTED]'],
    ['Mailgun key', `api:${FAKE.mailgun}`, 'api:key-[REDACTED]'],
    ['Square token', FAKE.square, 'sq0atp-[REDACTED]'],
    ['Atlassian API token', FAKE.atlassian, 'ATATT3[REDACTED]'],
    ['Hugging Face token', FAKE.huggingFace, 'hf_[REDACTED]'],
    ['Telegram bot token', `bot${FAKE.telegram}`, 'bot[REDACTED]'],
    ['Telegram bot token', FAKE.telegram, '[REDACTED]'],
  ];

  it.each(rows)('%s: %j', (_shape, input, expected) => {
    expect(redactSecretShapes(input)).toBe(expected);
  });

  it('has a row for every shape it knows', () => {
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(SECRET_SHAPES.map((s) => s.name)));
  });

  it.each([
    'order 2024-summary report v2',
    'sk_live alone, AKIA1234, ghp_short',
    'request 0190c2a8-7f3e-7a00-8000-000000000000 failed',
    'skip-the-line express-delivery',
  ])('leaves text without secrets as it is: %j', (text) => {
    expect(redactSecretShapes(text)).toBe(text);
  });
});

describe('looksLikeSecret: a path segment or value that is a generated secret, not a word or an id', () => {
  it.each([
    ['0190c2a8-7f3e-7a00-8000-000000000000', true],
    [FAKE.hex32, true],
    ['xi3hd8f7g6h5j4k3l2m1n0p9q8', true],
    ['AbCdEfGhIjKlMnOpQrStUv', true],
    [FAKE.stripe, true],
    [FAKE.jwt, true],
    ['notifications', false],
    ['IncomingWebhook', false],
    ['order-2024-summary-report-v2', false],
    ['user_12345_profile_67890', false],
    ['12345678901234567890', false],
    ['T00000000', false],
    ['short1A2b', false],
  ] as const)('%j → %s', (text, expected) => {
    expect(looksLikeSecret(text)).toBe(expected);
  });
});
