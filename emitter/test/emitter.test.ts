import { createAuditEmitter, type AuditEmitter } from '../src';
import { OtlpSink, kv } from './support/otlp-sink';
import { accessEvent, activityEvent, integrationFailureEvent, webhookFailureEvent } from './support/events';

describe('createAuditEmitter → OTLP/HTTP, protobuf by default', () => {
  let sink: OtlpSink;
  let audit: AuditEmitter;

  beforeEach(async () => {
    sink = await OtlpSink.start();
    audit = createAuditEmitter({
      serviceName: 'helpdesk',
      endpoint: sink.endpoint,
      headers: { Authorization: 'Bearer collector-token', 'X-Scope-OrgID': 'tenant-a' },
      resource: { 'deployment.environment.name': 'test' },
    });
  });

  afterEach(async () => {
    await audit.shutdown();
    await sink.stop();
  });

  it('sends one ResourceLogs per log type, with service.name and audit.log_type on the resource', async () => {
    audit.activity(activityEvent());
    audit.access(accessEvent());
    audit.webhookFailure(webhookFailureEvent());
    audit.integrationFailure(integrationFailureEvent());
    await audit.flush();

    expect(sink.requests).toHaveLength(1);
    const resources = sink.requests[0]!.resourceLogs.map((rl) => kv(rl.resource.attributes));
    expect(resources.map((r) => r['audit.log_type']).sort()).toEqual([
      'access',
      'activity',
      'integration_failure',
      'webhook_failure',
    ]);
    for (const r of resources) {
      expect(r['service.name']).toBe('helpdesk');
      expect(r['deployment.environment.name']).toBe('test');
    }
    expect(sink.headers[0]!['content-type']).toBe('application/x-protobuf');
    expect(sink.headers[0]!['authorization']).toBe('Bearer collector-token');
    expect(sink.headers[0]!['x-scope-orgid']).toBe('tenant-a');
  });

  it('encodes an activity event as DESIGN.md says', async () => {
    audit.activity(
      activityEvent({ changes: { before: { apiKey: 'k-123' }, after: { apiKey: 'k-456', name: 'x' } } })
    );
    await audit.flush();
    const { record, resource, scope } = sink.records()[0]!;
    expect(resource['audit.log_type']).toBe('activity');
    expect(scope).toBe('@auditlens/emitter');
    expect(record.eventName).toBe('audit.activity');
    expect(record.severityText).toBe('INFO');
    expect(record.severityNumber).toBe(9);
    expect(record.body?.stringValue).toBe('jane updated SLA policy Premium');
    const a = kv(record.attributes);
    expect(a).toMatchObject({
      'audit.category': 'SLA policies',
      'audit.action': 'update',
      'audit.outcome': 'success',
      'audit.target.type': 'sla_policy',
      'audit.target.id': 'sla-7',
      'audit.target.name': 'Premium',
      'audit.brand': 'Acme',
      'user.id': 'u-1',
      'user.name': 'jane',
      'user.email': 'jane@acme.test',
      'user.roles': 'admin,owner',
      'client.address': '203.0.113.7',
    });
    expect(JSON.parse(String(a['audit.changes']))).toEqual({
      before: { apiKey: '[REDACTED]' },
      after: { apiKey: '[REDACTED]', name: 'x' },
    });
    expect(a['audit.event_id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    );
    expect(a).not.toHaveProperty('audit.log_type');
  });

  it('encodes access events, failed logins as WARN with outcome failure', async () => {
    audit.access(accessEvent({ action: 'login_failed', loginSource: 'google', reason: 'invalid_password' }));
    audit.access(
      accessEvent({
        action: 'impersonation_start',
        impersonator: { id: 'u-9', name: 'root' },
        portal: 'customer',
      })
    );
    await audit.flush();
    const [failed, impersonation] = sink.records().map((r) => r.record);
    expect(failed!.severityText).toBe('WARN');
    expect(failed!.severityNumber).toBe(13);
    expect(failed!.eventName).toBe('audit.access');
    expect(failed!.body?.stringValue).toBe('bob failed to log in to the agent portal (google)');
    expect(kv(failed!.attributes)).toMatchObject({
      'audit.action': 'login_failed',
      'audit.outcome': 'failure',
      'audit.portal': 'agent',
      'audit.login_source': 'google',
      'error.type': 'invalid_password',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
      'client.address': '198.51.100.9',
    });
    expect(impersonation!.severityText).toBe('INFO');
    expect(kv(impersonation!.attributes)).toMatchObject({
      'audit.impersonator.id': 'u-9',
      'audit.impersonator.name': 'root',
      'audit.portal': 'customer',
    });
  });

  it('encodes webhook and integration failures as ERROR, redacting webhook secrets', async () => {
    audit.webhookFailure(
      webhookFailureEvent({ url: 'https://user:pa55@hooks.example.test/in?token=abc&ticket=1&api_key=zz' })
    );
    audit.integrationFailure(integrationFailureEvent());
    await audit.flush();
    const records = sink.records();
    const webhook = records.find((r) => r.resource['audit.log_type'] === 'webhook_failure')!.record;
    const integration = records.find((r) => r.resource['audit.log_type'] === 'integration_failure')!.record;
    expect(webhook.severityText).toBe('ERROR');
    expect(webhook.severityNumber).toBe(17);
    const w = kv(webhook.attributes);
    expect(w).toMatchObject({
      'audit.webhook.name': 'Ticket created → CRM',
      'http.request.method': 'POST',
      'http.response.status_code': 502,
      'error.message': 'Bad Gateway',
      'audit.attempt': 3,
      'audit.outcome': 'failure',
    });
    const url = String(w['url.full']);
    expect(url).not.toContain('pa55');
    expect(url).not.toContain('abc');
    expect(url).not.toContain('zz');
    expect(url).toContain('ticket=1');
    expect(JSON.stringify(sink.requests)).not.toContain('pa55');
    expect(integration.severityText).toBe('ERROR');
    expect(kv(integration.attributes)).toMatchObject({
      'audit.integration.name': 'Salesforce',
      'audit.integration.type': 'crm',
      'audit.failure_type': 'auth_expired',
      'error.message': 'OAuth refresh token was revoked',
    });
    expect(integration.body?.stringValue).toBe('Salesforce (crm) failed: auth_expired');
  });

  it('stamps nanosecond timestamps that keep the order of calls', async () => {
    for (let i = 0; i < 50; i++) audit.access(accessEvent());
    await audit.flush();
    const times = sink.records().map((r) => BigInt(r.record.timeUnixNano));
    expect(times).toHaveLength(50);
    for (let i = 1; i < times.length; i++) expect(times[i]! > times[i - 1]!).toBe(true);
    // Not just milliseconds padded with zeros.
    expect(times.some((t) => t % 1_000_000n !== 0n)).toBe(true);
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    expect(nowNs - times[0]!).toBeLessThan(60_000_000_000n);
  });

  it('uses the time the caller gives', async () => {
    audit.access(accessEvent({ time: new Date('2026-01-02T03:04:05.678Z') }));
    await audit.flush();
    expect(sink.records()[0]!.record.timeUnixNano).toBe('1767323045678000000');
  });

  it('counts what it exported', async () => {
    for (let i = 0; i < 7; i++) audit.access(accessEvent());
    await audit.flush();
    expect(audit.stats()).toEqual({ recorded: 7, rejected: 0, dropped: 0, exported: 7, failed: 0 });
  });

  it('is safe to shut down twice, and drops (and counts) calls after shutdown', async () => {
    audit.access(accessEvent());
    await audit.shutdown();
    await audit.shutdown();
    audit.access(accessEvent());
    expect(sink.records()).toHaveLength(1);
    expect(audit.stats()).toMatchObject({ recorded: 2, dropped: 1, exported: 1 });
  });
});

describe('createAuditEmitter options', () => {
  it('rejects a missing service name or endpoint at construction', () => {
    expect(() => createAuditEmitter({ serviceName: '', endpoint: 'http://127.0.0.1:1' })).toThrow(
      /serviceName/
    );
    expect(() => createAuditEmitter({ serviceName: 'helpdesk' })).toThrow(/endpoint/);
  });
});
