// What leaves the process: events with secrets in every free-text field go through the real SDK and OTLP/HTTP
// protobuf exporter to a loopback receiver, which decodes the requests; no secret may be in them.
import { createAuditEmitter, type AuditEmitter } from '../../src';
import { OtlpSink, kv } from '../support/otlp-sink';
import { accessEvent, activityEvent, integrationFailureEvent, webhookFailureEvent } from '../support/events';
import { FAKE } from '../support/fake-secrets';

const HOOK_TOKEN = 'AbCd3fGh1jKl5nOp7rSt9vWx';
const SECRETS = [
  HOOK_TOKEN,
  'hunter2',
  'old-pass',
  'new-pass',
  FAKE.jwt,
  FAKE.sendgrid,
  FAKE.slackBot,
  FAKE.stripe,
  FAKE.github,
];

describe('secrets never reach the wire', () => {
  let sink: OtlpSink;
  let audit: AuditEmitter;

  beforeEach(async () => {
    sink = await OtlpSink.start();
    audit = createAuditEmitter({ serviceName: 'helpdesk', endpoint: sink.endpoint });
  });
  afterEach(async () => {
    await audit.shutdown();
    await sink.stop();
  });

  const recordOf = (logType: string) =>
    sink.records().find((r) => r.resource['audit.log_type'] === logType)!.record;

  it('webhook and integration failures: URL, error message and summary', async () => {
    audit.webhookFailure(
      webhookFailureEvent({
        webhookName: 'Ops alerts → Slack',
        url: `https://hooks.slack.com/services/T0/B0/${HOOK_TOKEN}`,
        statusCode: 401,
        error: `POST https://bob:hunter2@relay.acme.test/hook failed: Authorization: Bearer ${FAKE.jwt} rejected`,
      })
    );
    audit.integrationFailure(
      integrationFailureEvent({
        integrationName: 'SendGrid',
        integrationType: 'email',
        failureType: 'auth_failed',
        details: `SMTP login failed: password=hunter2; key ${FAKE.sendgrid} revoked`,
        summary: `SendGrid relay down (Slack notified with ${FAKE.slackBot})`,
      })
    );
    await audit.flush();

    const webhook = recordOf('webhook_failure');
    expect(kv(webhook.attributes)).toMatchObject({
      'url.full': 'https://hooks.slack.com/services/[REDACTED]',
      'error.message':
        'POST https://[REDACTED]@relay.acme.test/hook failed: Authorization: Bearer [REDACTED] rejected',
    });
    expect(webhook.body?.stringValue).toBe(
      'Webhook "Ops alerts → Slack" delivery failed (HTTP 401): ' +
        'POST https://[REDACTED]@relay.acme.test/hook failed: Authorization: Bearer [REDACTED] rejected'
    );
    const integration = recordOf('integration_failure');
    expect(kv(integration.attributes)['error.message']).toBe(
      'SMTP login failed: password=[REDACTED]; key SG.[REDACTED] revoked'
    );
    expect(integration.body?.stringValue).toBe('SendGrid relay down (Slack notified with xoxb-[REDACTED])');
    const wire = JSON.stringify(sink.requests);
    for (const secret of SECRETS) expect(wire).not.toContain(secret);
  });

  it('a webhook failure summarised by the caller, with the URL in it', async () => {
    audit.webhookFailure(
      webhookFailureEvent({
        url: `https://discord.com/api/webhooks/42/${HOOK_TOKEN}`,
        summary: `Discord hook https://discord.com/api/webhooks/42/${HOOK_TOKEN} answered 404`,
        error: 'Unknown Webhook',
      })
    );
    await audit.flush();
    const webhook = recordOf('webhook_failure');
    expect(kv(webhook.attributes)['url.full']).toBe('https://discord.com/api/webhooks/42/[REDACTED]');
    expect(webhook.body?.stringValue).toBe(
      'Discord hook https://discord.com/api/webhooks/42/[REDACTED] answered 404'
    );
    expect(JSON.stringify(sink.requests)).not.toContain(HOOK_TOKEN);
  });

  it('activity changes given as field changes, and summaries', async () => {
    audit.activity(
      activityEvent({
        category: 'Email settings',
        summary: `jane set the Slack webhook to https://hooks.slack.com/services/T0/B0/${HOOK_TOKEN}`,
        changes: {
          changes: [
            { field: 'smtp_password', from: 'old-pass', to: 'new-pass' },
            { field: 'smtp_host', from: 'mail1.acme.test', to: 'mail2.acme.test' },
          ],
          integrations: { stripe: { note: `key ${FAKE.stripe}` } },
        },
      })
    );
    audit.access(
      accessEvent({
        action: 'login_failed',
        reason: `bad token ${FAKE.github}`,
        summary: 'bob failed to log in with password=hunter2',
      })
    );
    await audit.flush();
    const activity = recordOf('activity');
    expect(activity.body?.stringValue).toBe(
      'jane set the Slack webhook to https://hooks.slack.com/services/[REDACTED]'
    );
    expect(JSON.parse(String(kv(activity.attributes)['audit.changes']))).toEqual({
      changes: [
        { field: 'smtp_password', from: '[REDACTED]', to: '[REDACTED]' },
        { field: 'smtp_host', from: 'mail1.acme.test', to: 'mail2.acme.test' },
      ],
      integrations: { stripe: { note: 'key sk_live_[REDACTED]' } },
    });
    const access = recordOf('access');
    expect(access.body?.stringValue).toBe('bob failed to log in with password=[REDACTED]');
    expect(kv(access.attributes)['error.type']).toBe('bad token ghp_[REDACTED]');
    const wire = JSON.stringify(sink.requests);
    for (const secret of SECRETS) expect(wire).not.toContain(secret);
  });
});
