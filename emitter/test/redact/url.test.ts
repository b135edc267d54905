import { redactUrl } from '../../src';
import { WEBHOOK_HOSTS } from '../../src/redact/webhook-hosts';
import { FAKE } from '../support/fake-secrets';

const TOKEN = 'AbCd3fGh1jKl5nOp7rSt9vWx';

describe('redactUrl', () => {
  // [what, input, expected output]: what stays tells webhooks apart; what goes is the secret.
  const webhooks: ReadonlyArray<readonly [string, string, string]> = [
    [
      'Slack',
      `https://hooks.slack.com/services/T00000000/B00000000/${TOKEN}`,
      'https://hooks.slack.com/services/[REDACTED]',
    ],
    [
      'Slack',
      'https://hooks.slack.com/workflows/T01/A02/123/abc',
      'https://hooks.slack.com/workflows/[REDACTED]',
    ],
    [
      'Discord',
      `https://discord.com/api/webhooks/123456789012345678/${TOKEN}`,
      'https://discord.com/api/webhooks/123456789012345678/[REDACTED]',
    ],
    [
      'Discord',
      'https://discordapp.com/api/webhooks/1/tok',
      'https://discordapp.com/api/webhooks/1/[REDACTED]',
    ],
    [
      'Discord',
      'https://canary.discord.com/api/v10/webhooks/42/tok?wait=true',
      'https://canary.discord.com/api/v10/webhooks/42/[REDACTED]?wait=true',
    ],
    [
      'Microsoft Teams',
      'https://contoso.webhook.office.com/webhookb2/7f5e2d9c-1111-2222-3333-444455556666@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/3ab3f0d2b7a94c0e8f1d/0e5e8d3c-aaaa-bbbb-cccc-ddddeeeeffff/V2abcDEF',
      'https://contoso.webhook.office.com/webhookb2/[REDACTED]',
    ],
    [
      'Microsoft Teams (legacy connector)',
      'https://outlook.office.com/webhook/a1b2@c3d4/IncomingWebhook/e5f6/g7h8',
      'https://outlook.office.com/webhook/[REDACTED]',
    ],
    [
      'Power Automate / Logic Apps workflows (sig)',
      'https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f60718293a4b5c6d7e8f9/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=AbCdEf123456',
      'https://prod-12.westeurope.logic.azure.com/workflows/0a1b2c3d4e5f60718293a4b5c6d7e8f9/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=[REDACTED]',
    ],
    [
      'Power Automate / Logic Apps workflows (sig)',
      'https://default0123abcd.45.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/9f8e7d6c5b4a39281706f5e4d3c2b1a0/triggers/manual/paths/invoke?api-version=1&sig=xyz',
      'https://default0123abcd.45.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/9f8e7d6c5b4a39281706f5e4d3c2b1a0/triggers/manual/paths/invoke?api-version=1&sig=[REDACTED]',
    ],
    [
      'Google Chat (key, token)',
      `https://chat.googleapis.com/v1/spaces/AAAAB3NzaC1/messages?key=${FAKE.google}&token=abc123`,
      'https://chat.googleapis.com/v1/spaces/AAAAB3NzaC1/messages?key=[REDACTED]&token=[REDACTED]',
    ],
    [
      'Zapier',
      'https://hooks.zapier.com/hooks/catch/123456/abcdef/',
      'https://hooks.zapier.com/hooks/catch/123456/[REDACTED]',
    ],
    ['Make', `https://hook.eu1.make.com/${TOKEN}`, 'https://hook.eu1.make.com/[REDACTED]'],
    [
      'IFTTT',
      'https://maker.ifttt.com/trigger/ticket_created/with/key/dA1b2C3d4E5f',
      'https://maker.ifttt.com/trigger/ticket_created/with/key/[REDACTED]',
    ],
    [
      'PagerDuty',
      `https://events.pagerduty.com/integration/${FAKE.hex32}/enqueue`,
      'https://events.pagerduty.com/integration/[REDACTED]',
    ],
    [
      'Telegram',
      `https://api.telegram.org/bot${FAKE.telegram}/sendMessage`,
      'https://api.telegram.org/[REDACTED]',
    ],
    [
      'Webex',
      'https://webexapis.com/v1/webhooks/incoming/Y2lzY29zcGFyazovL3VzL1dFQkhPT0sv',
      'https://webexapis.com/v1/webhooks/incoming/[REDACTED]',
    ],
    [
      'Zoom',
      'https://integrations.zoom.us/chat/webhooks/incomingwebhook/AbCdEf123?format=full',
      'https://integrations.zoom.us/chat/webhooks/incomingwebhook/[REDACTED]?format=full',
    ],
    [
      'Feishu / Lark',
      'https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
      'https://open.feishu.cn/open-apis/bot/v2/hook/[REDACTED]',
    ],
    [
      'Mattermost (any host)',
      'https://chat.example.com/hooks/xi3hd8f7g6h5j4k3l2m1n0p9q8',
      'https://chat.example.com/hooks/[REDACTED]',
    ],
    [
      'Rocket.Chat (any host)',
      `https://rocket.example.com/hooks/AbCdEfGhIjKlMnOpQ/${TOKEN}`,
      'https://rocket.example.com/hooks/[REDACTED]',
    ],
  ];

  it.each(webhooks)('%s: keeps what names the webhook, not its secret path', (_what, input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it('has a row for every webhook host it knows', () => {
    const covered = new Set(webhooks.map((r) => r[0]));
    for (const w of WEBHOOK_HOSTS) expect(covered).toContain(w.service);
  });

  const others: ReadonlyArray<readonly [string, string, string]> = [
    [
      'user and password',
      'https://bob:hunter2@hooks.example.test/path?id=7',
      'https://[REDACTED]@hooks.example.test/path?id=7',
    ],
    [
      'query parameters with secret names',
      'https://hooks.example.test/in?token=abc&ticket=1&api_key=zz&X-Amz-Signature=f00',
      'https://hooks.example.test/in?token=[REDACTED]&ticket=1&api_key=[REDACTED]&X-Amz-Signature=[REDACTED]',
    ],
    [
      'a query value of a known shape under an innocent name',
      `https://x.example.test/cb?state=1&t=${FAKE.jwt}`,
      'https://x.example.test/cb?state=1&t=[REDACTED]',
    ],
    [
      'a fragment holding a token',
      'https://app.example.test/cb#access_token=abc&expires_in=3600',
      'https://app.example.test/cb#[REDACTED]',
    ],
    [
      'a JWT in the path',
      `https://api.example.com/callback/${FAKE.jwt}/done`,
      'https://api.example.com/callback/[REDACTED]/done',
    ],
    [
      'a token of a known prefix in the path',
      `https://api.example.com/notify/${FAKE.slackBot}`,
      'https://api.example.com/notify/[REDACTED]',
    ],
    [
      'a random-looking path segment',
      `https://crm.example.com/inbound/${FAKE.hex32}/events`,
      'https://crm.example.com/inbound/[REDACTED]/events',
    ],
    [
      'a UUID in the path (a capability URL)',
      'https://crm.example.com/webhooks/0190c2a8-7f3e-7a00-8000-000000000000',
      'https://crm.example.com/webhooks/[REDACTED]',
    ],
    [
      'the segment after a secret name',
      'https://api.example.com/v1/token/Ab12cd',
      'https://api.example.com/v1/token/[REDACTED]',
    ],
    [
      'a webhook URL inside a parameter',
      'https://relay.example.test/forward?to=https%3A%2F%2Fhooks.slack.com%2Fservices%2FT0%2FB0%2Fsecret',
      'https://relay.example.test/forward?to=https%3A%2F%2Fhooks.slack.com%2Fservices%2F[REDACTED]',
    ],
    ['what is not a URL, since it cannot be checked', 'token=abc', '[REDACTED]'],
  ];

  it.each(others)('%s', (_what, input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it.each([
    'https://crm.example.com/api/v2/tickets/12345/comments?page=2',
    'https://api.example.com/v1/token/refresh',
    'https://hooks.example.test/hooks/tickets?ticket=1',
    'https://github.com/acme/helpdesk/settings/hooks/123456',
  ])('leaves a URL without secrets as it is: %s', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});
