import type { AccessAction } from '@auditlens/contract';
import type { AccessEvent } from '../types';
import { INFO, WARN, type AuditRecord } from '../event';
import { cap, commonAttributes, userAttributes } from './fields';
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
  const max = limits.maxAttributeLength;
  const failed = event.action === 'login_failed';
  return {
    logType: 'access',
    time: timeOf(event),
    severity: failed ? WARN : INFO,
    body: cap(event.summary ?? defaultAccessSummary(event), max) ?? '',
    attributes: {
      ...commonAttributes(event, max),
      ...userAttributes(event.user, max),
      'audit.action': event.action,
      'audit.outcome': failed ? 'failure' : 'success',
      'audit.portal': event.portal,
      'audit.login_source': cap(event.loginSource, max),
      'error.type': failed ? cap(event.reason, max) : undefined,
      'audit.impersonator.id': event.impersonator ? cap(event.impersonator.id, max) : undefined,
      'audit.impersonator.name': event.impersonator ? cap(event.impersonator.name, max) : undefined,
    },
  };
}
