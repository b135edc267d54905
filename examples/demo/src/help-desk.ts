import type { Actor } from '@auditlens/emitter';

/** The simulated help desk: brands, people and the modules whose settings change. */
export const BRANDS = ['Acme', 'Globex', 'Initech'] as const;

/** Agents and admins of the help desk. */
export const AGENTS: readonly Actor[] = [
  { id: 'a-1', name: 'jane', email: 'jane@acme.test', roles: ['admin'] },
  { id: 'a-2', name: 'bob', email: 'bob@acme.test', roles: ['agent'] },
  { id: 'a-3', name: 'priya', email: 'priya@globex.test', roles: ['supervisor'] },
  { id: 'a-4', name: 'tom', email: 'tom@initech.test', roles: ['agent'] },
  { id: 'a-5', name: 'li', email: 'li@globex.test', roles: ['admin', 'billing'] },
];

/** Customers logging in to the customer portal. */
export const CUSTOMERS: readonly Actor[] = [
  { id: 'c-1', name: 'maria', email: 'maria@customer.test' },
  { id: 'c-2', name: 'omar', email: 'omar@customer.test' },
  { id: 'c-3', name: 'kim', email: 'kim@customer.test' },
];

/** Login sources: the form, or a social/SSO provider. */
export const LOGIN_SOURCES = ['form', 'form', 'form', 'google', 'microsoft', 'saml', 'apple'] as const;

/** Modules whose settings change, with a target type and sample target names (both seed products). */
export const MODULES: ReadonlyArray<{ category: string; targetType: string; names: readonly string[] }> = [
  { category: 'Agents', targetType: 'agent', names: ['bob', 'priya', 'tom'] },
  { category: 'Roles and permissions', targetType: 'role', names: ['Supervisor', 'Billing admin'] },
  { category: 'SLA policies', targetType: 'sla_policy', names: ['Premium', 'Standard'] },
  { category: 'Smart rules', targetType: 'rule', names: ['Route VIP tickets', 'Auto-close stale'] },
  { category: 'Channels', targetType: 'channel', names: ['Support email', 'WhatsApp', 'Chat widget'] },
  { category: 'Custom fields', targetType: 'custom_field', names: ['Order number', 'Plan'] },
  { category: 'Security', targetType: 'security_setting', names: ['Password policy', 'IP allowlist', '2FA'] },
  { category: 'API and JWT', targetType: 'api_key', names: ['Zapier key', 'Mobile app JWT'] },
  { category: 'Webhooks', targetType: 'webhook', names: ['Ticket created → CRM', 'Escalation pager'] },
  { category: 'SAML SSO', targetType: 'saml_config', names: ['Okta', 'Azure AD'] },
  { category: 'Multi-brand', targetType: 'brand', names: ['Acme', 'Globex'] },
  { category: 'Custom domain', targetType: 'domain', names: ['support.acme.test'] },
  { category: 'Notifications', targetType: 'notification', names: ['New ticket email', 'SLA breach alert'] },
];

/** Webhooks that fail now and then. */
export const WEBHOOKS = [
  { name: 'Ticket created → CRM', url: 'https://crm.example.test/hooks/tickets?token=s3cr3t' },
  { name: 'Escalation pager', url: 'https://pager.example.test/v2/enqueue?routing_key=abc123' },
  { name: 'Slack #support', url: 'https://hooks.slack.example.test/services/T000/B000/XXXX' },
] as const;

/** Third-party integrations that fail now and then. */
export const INTEGRATIONS = [
  { name: 'Salesforce', type: 'crm', failures: ['auth_expired', 'rate_limited', 'field_mapping'] },
  { name: 'Shopify', type: 'ecommerce', failures: ['timeout', 'auth_expired'] },
  { name: 'Jira', type: 'issue_tracker', failures: ['project_not_found', 'rate_limited'] },
  { name: 'Stripe', type: 'billing', failures: ['webhook_signature', 'timeout'] },
] as const;

/** User agents of browsers and apps. */
export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/18.0 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'HelpdeskMobile/5.2 (iOS 18.1)',
] as const;
