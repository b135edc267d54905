import { ACCESS_ACTIONS, ACTIVITY_ACTIONS, OUTCOMES, PORTALS } from '@auditlens/contract';
import type { ValidationIssue } from './AuditValidationError';
import { Checks } from './checks';

/** Checks an event; returns its issues (none when valid). */
export type Validator = (event: unknown) => readonly ValidationIssue[];

type FieldChecks = (c: Checks, e: Record<string, unknown>) => void;

// Each validator's field checks are built once, not on every call: validation is on the caller's path.
function validator(check: FieldChecks): Validator {
  return (event) => {
    const c = new Checks();
    const e = c.object(event, '(event)', true);
    if (e) check(c, e);
    return c.issues;
  };
}

/** Input checks of `audit.activity(...)`. */
export const validateActivity: Validator = validator((c, e) => {
  c.common(e, false);
  c.actor(e['actor'], 'actor');
  c.text(e['category'], 'category');
  c.oneOf(e['action'], ACTIVITY_ACTIONS, 'action');
  const target = c.object(e['target'], 'target', true);
  if (target) {
    c.text(target['type'], 'target.type');
    c.text(target['id'], 'target.id');
    c.optionalString(target['name'], 'target.name');
  }
  c.text(e['summary'], 'summary');
  c.object(e['changes'], 'changes', false);
  if (e['outcome'] !== undefined) c.oneOf(e['outcome'], OUTCOMES, 'outcome');
});

/** Input checks of `audit.access(...)`. */
export const validateAccess: Validator = validator((c, e) => {
  c.common(e, true);
  c.actor(e['user'], 'user');
  c.oneOf(e['action'], ACCESS_ACTIONS, 'action');
  c.oneOf(e['portal'], PORTALS, 'portal');
  c.text(e['loginSource'], 'loginSource');
  const imp = c.object(e['impersonator'], 'impersonator', false);
  if (imp) {
    c.text(imp['id'], 'impersonator.id');
    c.text(imp['name'], 'impersonator.name');
  }
  c.optionalString(e['summary'], 'summary');
  c.optionalString(e['reason'], 'reason');
});

/** Input checks of `audit.webhookFailure(...)`. */
export const validateWebhookFailure: Validator = validator((c, e) => {
  c.common(e, false);
  c.text(e['webhookName'], 'webhookName');
  c.url(e['url'], 'url');
  c.optionalString(e['method'], 'method');
  c.optionalInt(e['statusCode'], 'statusCode', 100, 599);
  c.text(e['error'], 'error');
  c.optionalInt(e['attempt'], 'attempt', 1, Number.MAX_SAFE_INTEGER);
  c.optionalString(e['summary'], 'summary');
});

/** Input checks of `audit.integrationFailure(...)`. */
export const validateIntegrationFailure: Validator = validator((c, e) => {
  c.common(e, false);
  c.text(e['integrationName'], 'integrationName');
  c.text(e['integrationType'], 'integrationType');
  c.text(e['failureType'], 'failureType');
  c.text(e['details'], 'details');
  c.optionalString(e['summary'], 'summary');
});
