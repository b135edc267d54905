import type { ActivityEvent } from '../types';
import { INFO, type AuditRecord } from '../event';
import { redactChanges } from '../redact/changes';
import { addUserAttributes, cap, capRedacted, commonAttributes } from './fields';
import { capJson } from './size-caps';
import { timeOf } from './time-of';
import type { EncodeLimits } from './limits';

/** Encodes an activity event (a change to an admin setting); secrets in its changes and summary are redacted. */
export function encodeActivity(event: ActivityEvent, limits: EncodeLimits): AuditRecord {
  const max = limits.maxAttributeLength;
  return {
    logType: 'activity',
    time: timeOf(event),
    severity: INFO,
    body: capRedacted(event.summary, max) ?? '',
    attributes: {
      ...addUserAttributes(commonAttributes(event, max), event.actor, max),
      'audit.category': cap(event.category, max),
      'audit.action': event.action,
      'audit.outcome': event.outcome ?? 'success',
      'audit.target.type': cap(event.target.type, max),
      'audit.target.id': cap(event.target.id, max),
      'audit.target.name': cap(event.target.name, max),
      'audit.changes':
        event.changes === undefined
          ? undefined
          : capJson(redactChanges(event.changes), limits.maxChangesBytes),
    },
  };
}
