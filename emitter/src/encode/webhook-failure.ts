import type { WebhookFailureEvent } from '../types';
import { ERROR, type AuditRecord } from '../event';
import { redactUrl } from '../redact/url';
import { cap, capRedacted, commonAttributes } from './fields';
import { timeOf } from './time-of';
import type { EncodeLimits } from './limits';

/**
 * Encodes a failed webhook delivery; the URL's secrets (credentials, a webhook host's secret path, secret
 * parameters) and the credentials in the error and summary are redacted.
 */
export function encodeWebhookFailure(event: WebhookFailureEvent, limits: EncodeLimits): AuditRecord {
  const max = limits.maxAttributeLength;
  const status = event.statusCode !== undefined ? ` (HTTP ${event.statusCode})` : '';
  const error = capRedacted(event.error, max);
  const summary = event.summary ?? `Webhook "${event.webhookName}" delivery failed${status}: ${error ?? ''}`;
  return {
    logType: 'webhook_failure',
    time: timeOf(event),
    severity: ERROR,
    body: capRedacted(summary, max) ?? '',
    attributes: {
      ...commonAttributes(event, max),
      'audit.webhook.name': cap(event.webhookName, max),
      'url.full': cap(redactUrl(event.url), max),
      'http.request.method': event.method?.toUpperCase() ?? 'POST',
      'http.response.status_code': event.statusCode,
      'error.type': event.statusCode !== undefined ? String(event.statusCode) : 'delivery_error',
      'error.message': error,
      'audit.outcome': 'failure',
      'audit.attempt': event.attempt,
    },
  };
}
