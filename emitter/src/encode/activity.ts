import { ATTR } from '@auditlens/contract';
import type { ActivityEvent } from '../types';
import { INFO, type AuditRecord } from '../event';
import { redactChanges } from '../redact/changes';
import { AttributeBag } from './attribute-bag';
import { capJson, capString } from './size-caps';
import { timeOf } from './time-of';
import type { EncodeLimits } from './limits';

/** Encodes an activity event (a change to an admin setting). */
export function encodeActivity(event: ActivityEvent, limits: EncodeLimits): AuditRecord {
  const bag = new AttributeBag(limits)
    .common(event)
    .user(event.actor)
    .text(ATTR.category, event.category)
    .text(ATTR.action, event.action)
    .text(ATTR.outcome, event.outcome ?? 'success')
    .text(ATTR.targetType, event.target.type)
    .text(ATTR.targetId, event.target.id)
    .text(ATTR.targetName, event.target.name);
  if (event.changes !== undefined) {
    bag.attributes[ATTR.changes] = capJson(redactChanges(event.changes), limits.maxChangesBytes);
  }
  return {
    logType: 'activity',
    time: timeOf(event),
    severity: INFO,
    body: capString(event.summary, limits.maxAttributeLength),
    attributes: bag.attributes,
  };
}
