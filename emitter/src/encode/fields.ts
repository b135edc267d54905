import type { AttributeValue } from '@opentelemetry/api';
import type { AttributeName, INTEGRITY_ATTR } from '@auditlens/contract';
import type { Actor, CommonFields } from '../types';
import { redactText } from '../redact/text';
import { uuidv7 } from './event-id';

/**
 * Record attributes by their contract names. Absent values are `undefined`, which the SDK skips; building
 * them as one object literal is what keeps encoding cheap on the caller's path.
 */
export type AuditAttributes = Partial<
  Record<AttributeName | (typeof INTEGRITY_ATTR)[keyof typeof INTEGRITY_ATTR], AttributeValue | undefined>
>;

/** `value` capped at `max` characters (ending in `…` when cut); empty strings count as absent. */
export function cap(value: string | undefined, max: number): string | undefined {
  if (value === undefined || value === '') return undefined;
  return value.length <= max ? value : value.slice(0, Math.max(0, max - 1)) + '…';
}

/**
 * Free text (an error message, a summary) with its secrets redacted (`redact/text.ts`), capped at `max`
 * characters. At most four times `max` is read, so a megabyte of error costs no more than a long one.
 */
export function capRedacted(value: string | undefined, max: number): string | undefined {
  if (value === undefined || value === '') return undefined;
  return cap(redactText(value.length > max * 4 ? value.slice(0, max * 4) : value), max);
}

/** The attributes every event carries: its id and the common fields that are present. */
export function commonAttributes(e: CommonFields, max: number): AuditAttributes {
  const a: AuditAttributes = { 'audit.event_id': uuidv7() };
  // Only present fields become keys: the SDK walks every key of the object it is given.
  if (e.ip) a['client.address'] = cap(e.ip, max);
  if (e.userAgent) a['user_agent.original'] = cap(e.userAgent, max);
  if (e.sessionId) a['session.id'] = cap(e.sessionId, max);
  if (e.brand) a['audit.brand'] = cap(e.brand, max);
  return a;
}

/** Adds the `user.*` attributes of an actor to `out`; roles as a comma-separated list, which Loki can match with `=~`. */
export function addUserAttributes(out: AuditAttributes, a: Actor, max: number): AuditAttributes {
  out['user.id'] = cap(a.id, max);
  out['user.name'] = cap(a.name, max);
  if (a.email) out['user.email'] = cap(a.email, max);
  if (a.roles && a.roles.length > 0) out['user.roles'] = cap(a.roles.join(','), max);
  return out;
}
