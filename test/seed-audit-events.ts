import { createAuditEmitter } from '@auditlens/emitter';

/**
 * Sends one event of each log type, with every field the dashboards break down by, to a Loki's OTLP endpoint, so
 * that every dashboard query has data to return; resolves once Loki took all four.
 */
export async function seedOneEventOfEachType(lokiUrl: string): Promise<void> {
  const audit = createAuditEmitter({
    serviceName: 'helpdesk',
    endpoint: `${lokiUrl}/otlp`,
    throwOnInvalid: true,
  });
  const common = { brand: 'Acme', ip: '198.51.100.7', userAgent: 'Mozilla/5.0' };
  audit.activity({
    ...common,
    actor: { id: 'u1', name: 'jane', email: 'jane@example.test' },
    category: 'SLA policies',
    action: 'update',
    target: { type: 'sla_policy', id: 's1', name: 'Gold' },
    summary: 'jane updated SLA policy Gold',
  });
  audit.access({
    ...common,
    user: { id: 'u2', name: 'bob' },
    action: 'login_failed',
    portal: 'agent',
    loginSource: 'google',
    reason: 'invalid_password',
  });
  audit.webhookFailure({
    ...common,
    webhookName: 'Ticket → CRM',
    url: 'https://crm.example/hook',
    statusCode: 502,
    error: 'Bad Gateway',
    attempt: 2,
  });
  audit.integrationFailure({
    ...common,
    integrationName: 'Salesforce',
    integrationType: 'crm',
    failureType: 'auth_expired',
    details: 'token expired',
  });
  await audit.shutdown();
  const stats = audit.stats();
  if (stats.exported !== 4 || stats.failed !== 0) throw new Error(`seeding Loki: ${JSON.stringify(stats)}`);
}
