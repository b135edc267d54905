import type { AttributeValue } from '@opentelemetry/api';
import type { AttributeName } from '@auditlens/contract';
import type { Actor, CommonFields } from '../types';
import { uuidv7 } from './event-id';

/**
 * Record attributes by their contract names. Absent values are `undefined`, which the SDK skips; building
 * them as one object literal is what keeps encoding cheap on the caller's path.
 */
export type AuditAttributes = Partial<Record<AttributeName, AttributeValue | undefined>>;

/** `value` capped at `max` characters (ending in `…` when cut); empty strings count as absent. */
export function cap(value: string | undefined, max: number): string | undefined {
  if (value === undefined || value === '') return undefined;
  return value.length <= max ? value : value.slice(0, Math.max(0, max - 1)) + '…';
}

/** The attributes every event carries: its id and the common fields. */
export function commonAttributes(e: CommonFields, max: number): AuditAttributes {
  return {
    'audit.event_id': uuidv7(),
    'client.address': cap(e.ip, max),
    'user_agent.original': cap(e.userAgent, max),
    'session.id': cap(e.sessionId, max),
    'audit.brand': cap(e.brand, max),
  };
}

/** `user.*` attributes of an actor; roles as a comma-separated list, which Loki can match with `=~`. */
export function userAttributes(a: Actor, max: number): AuditAttributes {
  return {
    'user.id': cap(a.id, max),
    'user.name': cap(a.name, max),
    'user.email': cap(a.email, max),
    'user.roles': a.roles && a.roles.length > 0 ? cap(a.roles.join(','), max) : undefined,
  };
}
