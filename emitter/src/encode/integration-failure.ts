import { ATTR } from '@auditlens/contract';
import type { IntegrationFailureEvent } from '../types';
import { ERROR, type AuditRecord } from '../event';
import { AttributeBag } from './attribute-bag';
import { capString } from './size-caps';
import { timeOf } from './time-of';
import type { EncodeLimits } from './limits';

/** Encodes a failed third-party integration. */
export function encodeIntegrationFailure(event: IntegrationFailureEvent, limits: EncodeLimits): AuditRecord {
  const bag = new AttributeBag(limits)
    .common(event)
    .text(ATTR.integrationName, event.integrationName)
    .text(ATTR.integrationType, event.integrationType)
    .text(ATTR.failureType, event.failureType)
    .text(ATTR.errorType, event.failureType)
    .text(ATTR.errorMessage, event.details)
    .text(ATTR.outcome, 'failure');
  const summary =
    event.summary ?? `${event.integrationName} (${event.integrationType}) failed: ${event.failureType}`;
  return {
    logType: 'integration_failure',
    time: timeOf(event),
    severity: ERROR,
    body: capString(summary, limits.maxAttributeLength),
    attributes: bag.attributes,
  };
}
