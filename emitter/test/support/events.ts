import type { AccessEvent, ActivityEvent, IntegrationFailureEvent, WebhookFailureEvent } from '../../src';

/** A valid activity event. */
export function activityEvent(overrides: Partial<ActivityEvent> = {}): ActivityEvent {
  return {
    actor: { id: 'u-1', name: 'jane', email: 'jane@acme.test', roles: ['admin', 'owner'] },
    category: 'SLA policies',
    action: 'update',
    target: { type: 'sla_policy', id: 'sla-7', name: 'Premium' },
    summary: 'jane updated SLA policy Premium',
    changes: { before: { firstResponse: '4h' }, after: { firstResponse: '2h' } },
    ip: '203.0.113.7',
    brand: 'Acme',
    ...overrides,
  };
}

/** A valid access event. */
export function accessEvent(overrides: Partial<AccessEvent> = {}): AccessEvent {
  return {
    user: { id: 'u-2', name: 'bob', email: 'bob@acme.test' },
    action: 'login',
    portal: 'agent',
    loginSource: 'form',
    ip: '198.51.100.9',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
    brand: 'Acme',
    ...overrides,
  };
}

/** A valid webhook failure. */
export function webhookFailureEvent(overrides: Partial<WebhookFailureEvent> = {}): WebhookFailureEvent {
  return {
    webhookName: 'Ticket created → CRM',
    url: 'https://hooks.example.test/in?ticket=1',
    method: 'post',
    statusCode: 502,
    error: 'Bad Gateway',
    attempt: 3,
    ...overrides,
  };
}

/** A valid integration failure. */
export function integrationFailureEvent(
  overrides: Partial<IntegrationFailureEvent> = {}
): IntegrationFailureEvent {
  return {
    integrationName: 'Salesforce',
    integrationType: 'crm',
    failureType: 'auth_expired',
    details: 'OAuth refresh token was revoked',
    ...overrides,
  };
}
