import type { AccessAction } from '@auditlens/contract';
import type { AccessEvent } from '../types';
import { INFO, WARN, type AuditRecord } from '../event';
import { addUserAttributes, cap, capRedacted, commonAttributes } from './fields';
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
  const attributes = addUserAttributes(commonAttributes(event, max), event.user, max);
  attributes['audit.action'] = event.action;
  attributes['audit.outcome'] = failed ? 'failure' : 'success';
  attributes['audit.portal'] = event.portal;
  attributes['audit.login_source'] = cap(event.loginSource, max);
  if (failed && event.reason) attributes['error.type'] = capRedacted(event.reason, max);
  if (event.impersonator) {
    attributes['audit.impersonator.id'] = cap(event.impersonator.id, max);
    attributes['audit.impersonator.name'] = cap(event.impersonator.name, max);
  }
  return {
    logType: 'access',
    time: timeOf(event),
    severity: failed ? WARN : INFO,
    // A summary built from the fields is left as it is: the common case, on the caller's path.
    body: (event.summary ? capRedacted(event.summary, max) : cap(defaultAccessSummary(event), max)) ?? '',
    attributes,
  };
}
