import { ATTR } from '@auditlens/contract';
import type { WebhookFailureEvent } from '../types';
import { ERROR, type AuditRecord } from '../event';
import { redactUrl } from '../redact/url';
import { AttributeBag } from './attribute-bag';
import { capString } from './size-caps';
import { timeOf } from './time-of';
import type { EncodeLimits } from './limits';

/** Encodes a failed webhook delivery; the URL's credentials and secret parameters are redacted. */
export function encodeWebhookFailure(event: WebhookFailureEvent, limits: EncodeLimits): AuditRecord {
  const url = redactUrl(event.url);
  const bag = new AttributeBag(limits)
    .common(event)
    .text(ATTR.webhookName, event.webhookName)
    .text(ATTR.urlFull, url)
    .text(ATTR.httpMethod, event.method?.toUpperCase() ?? 'POST')
    .number(ATTR.httpStatus, event.statusCode)
    .text(ATTR.errorType, event.statusCode !== undefined ? String(event.statusCode) : 'delivery_error')
    .text(ATTR.errorMessage, event.error)
    .text(ATTR.outcome, 'failure')
    .number(ATTR.attempt, event.attempt);
  const status = event.statusCode !== undefined ? ` (HTTP ${event.statusCode})` : '';
  const summary = event.summary ?? `Webhook "${event.webhookName}" delivery failed${status}: ${event.error}`;
  return {
    logType: 'webhook_failure',
    time: timeOf(event),
    severity: ERROR,
    body: capString(summary, limits.maxAttributeLength),
    attributes: bag.attributes,
  };
}
