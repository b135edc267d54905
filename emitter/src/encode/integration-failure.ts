import type { IntegrationFailureEvent } from '../types';
import { ERROR, type AuditRecord } from '../event';
import { cap, capRedacted, commonAttributes } from './fields';
import { timeOf } from './time-of';
import type { EncodeLimits } from './limits';

/** Encodes a failed third-party integration; credentials in its details and summary are redacted. */
export function encodeIntegrationFailure(event: IntegrationFailureEvent, limits: EncodeLimits): AuditRecord {
  const max = limits.maxAttributeLength;
  const summary =
    event.summary ?? `${event.integrationName} (${event.integrationType}) failed: ${event.failureType}`;
  return {
    logType: 'integration_failure',
    time: timeOf(event),
    severity: ERROR,
    body: capRedacted(summary, max) ?? '',
    attributes: {
      ...commonAttributes(event, max),
      'audit.integration.name': cap(event.integrationName, max),
      'audit.integration.type': cap(event.integrationType, max),
      'audit.failure_type': cap(event.failureType, max),
      'error.type': cap(event.failureType, max),
      'error.message': capRedacted(event.details, max),
      'audit.outcome': 'failure',
    },
  };
}
