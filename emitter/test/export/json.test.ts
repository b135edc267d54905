import { createAuditEmitter } from '../../src';
import { OtlpSink, kv } from '../support/otlp-sink';
import { accessEvent, activityEvent, webhookFailureEvent } from '../support/events';

describe("createAuditEmitter({ protocol: 'json' }) → OTLP/HTTP JSON", () => {
  it('sends the same records, resources and attributes as OTLP JSON', async () => {
    const sink = await OtlpSink.start();
    const audit = createAuditEmitter({
      serviceName: 'helpdesk',
      endpoint: sink.endpoint,
      protocol: 'json',
    });
    audit.activity(activityEvent({ changes: { after: { password: 'p' } } }));
    audit.access(accessEvent({ action: 'login_failed' }));
    audit.webhookFailure(webhookFailureEvent({ url: 'https://hooks.example.test/in?token=abc' }));
    await audit.shutdown();
    await sink.stop();

    expect(sink.headers[0]!['content-type']).toBe('application/json');
    const byType = new Map(sink.records().map((r) => [r.resource['audit.log_type'], r]));
    expect([...byType.keys()].sort()).toEqual(['access', 'activity', 'webhook_failure']);
    for (const r of byType.values()) expect(r.resource['service.name']).toBe('helpdesk');

    const activity = byType.get('activity')!.record;
    expect(activity.severityText).toBe('INFO');
    expect(activity.body?.stringValue).toBe('jane updated SLA policy Premium');
    expect(kv(activity.attributes)).toMatchObject({
      'audit.category': 'SLA policies',
      'user.name': 'jane',
      'audit.changes': '{"after":{"password":"[REDACTED]"}}',
    });
    expect(kv(activity.attributes)).not.toHaveProperty('audit.log_type');

    const access = byType.get('access')!.record;
    expect(access.severityNumber).toBe(13);
    expect(kv(access.attributes)).toMatchObject({
      'audit.action': 'login_failed',
      'audit.outcome': 'failure',
      'client.address': '198.51.100.9',
    });
    expect(BigInt(access.timeUnixNano)).toBeGreaterThan(0n);

    const webhook = byType.get('webhook_failure')!.record;
    expect(webhook.severityText).toBe('ERROR');
    expect(kv(webhook.attributes)).toMatchObject({ 'http.response.status_code': 502, 'audit.attempt': 3 });
    expect(String(kv(webhook.attributes)['url.full'])).not.toContain('abc');
  });
});
