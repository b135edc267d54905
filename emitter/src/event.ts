import type { HrTime } from '@opentelemetry/api';
import type { LogType } from '@auditlens/contract';
import type { AuditAttributes } from './encode/fields';

/** Severity of an audit record, as OpenTelemetry numbers and texts it. */
export interface Severity {
  readonly number: number;
  readonly text: 'INFO' | 'WARN' | 'ERROR';
}

/** SeverityNumber INFO (9): normal events. */
export const INFO: Severity = { number: 9, text: 'INFO' };
/** SeverityNumber WARN (13): failed logins. */
export const WARN: Severity = { number: 13, text: 'WARN' };
/** SeverityNumber ERROR (17): webhook and integration failures. */
export const ERROR: Severity = { number: 17, text: 'ERROR' };

/** One audit event, encoded and ready to become an OTel log record. */
export interface AuditRecord {
  readonly logType: LogType;
  readonly time: HrTime;
  readonly severity: Severity;
  /** The human summary (log body). */
  readonly body: string;
  /** Record attributes; `audit.log_type` is not among them, it travels on the resource. */
  readonly attributes: AuditAttributes;
}
