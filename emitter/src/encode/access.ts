import { ATTR, type AccessAction } from '@auditlens/contract';
import type { AccessEvent } from '../types';
import { INFO, WARN, type AuditRecord } from '../event';
import { AttributeBag } from './attribute-bag';
import { capString } from './size-caps';
import { timeOf } from './time-of';
import type { EncodeLimits } from './limits';

const VERBS: Readonly<Record<AccessAction, string>> = {
  login: 'logged in to',
  logout: 'logged out of',
  login_failed: 'failed to log in to',
  impersonation_start: 'started impersonating in',
  impersonation_end: 'stopped impersonating in',
};

/** The summary used when the caller gives none, e.g. `jane failed to log in to the agent portal (google)`. */
export function defaultAccessSummary(event: AccessEvent): string {
  const who = event.impersonator ? `${event.impersonator.name} (as ${event.user.name})` : event.user.name;
  return `${who} ${VERBS[event.action]} the ${event.portal} portal (${event.loginSource})`;
}

/** Encodes an access event (login, logout, failed login, impersonation). */
export function encodeAccess(event: AccessEvent, limits: EncodeLimits): AuditRecord {
  const failed = event.action === 'login_failed';
  const bag = new AttributeBag(limits)
    .common(event)
    .user(event.user)
    .text(ATTR.action, event.action)
    .text(ATTR.outcome, failed ? 'failure' : 'success')
    .text(ATTR.portal, event.portal)
    .text(ATTR.loginSource, event.loginSource)
    .text(ATTR.errorType, failed ? event.reason : undefined);
  if (event.impersonator) {
    bag.text(ATTR.impersonatorId, event.impersonator.id).text(ATTR.impersonatorName, event.impersonator.name);
  }
  return {
    logType: 'access',
    time: timeOf(event),
    severity: failed ? WARN : INFO,
    body: capString(event.summary ?? defaultAccessSummary(event), limits.maxAttributeLength),
    attributes: bag.attributes,
  };
}
