import { isIP } from 'node:net';
import type { ValidationIssue } from './AuditValidationError';

/**
 * Field checks for the emitter's inputs. Validation runs on every call, on the caller's request path: these
 * plain checks cost a tenth of a schema library's parse (which builds a copy of the input), which is what
 * keeps a call near the raw SDK's cost (see bench/). Each check names the field and what is wrong.
 */
export class Checks {
  readonly issues: ValidationIssue[] = [];

  private fail(field: string, message: string): void {
    this.issues.push({ field, message });
  }

  /** A string with at least one non-space character. */
  text(value: unknown, field: string): void {
    if (typeof value !== 'string') this.fail(field, value === undefined ? 'is required' : 'must be a string');
    else if (!startsVisible(value) && !/\S/.test(value)) this.fail(field, 'must not be empty');
  }

  /** A string when present. */
  optionalString(value: unknown, field: string): void {
    if (value !== undefined && typeof value !== 'string') this.fail(field, 'must be a string');
  }

  /** One of the allowed values. */
  oneOf(value: unknown, allowed: readonly string[], field: string): void {
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.fail(field, value === undefined ? 'is required' : `must be one of ${allowed.join(', ')}`);
    }
  }

  /** An IPv4 or IPv6 address (when optional, only if present). */
  ip(value: unknown, field: string, required: boolean): void {
    if (value === undefined) {
      if (required) this.fail(field, 'is required');
    } else if (typeof value !== 'string' || !(isIPv4(value) || isIP(value) !== 0))
      this.fail(field, 'must be an IPv4 or IPv6 address');
  }

  /** A Date when present. */
  optionalDate(value: unknown, field: string): void {
    if (value !== undefined && !(value instanceof Date && !Number.isNaN(value.getTime())))
      this.fail(field, 'must be a valid Date');
  }

  /** A whole number in [min, max] when present. */
  optionalInt(value: unknown, field: string, min: number, max: number): void {
    if (
      value !== undefined &&
      !(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)
    ) {
      this.fail(field, `must be a whole number from ${min} to ${max}`);
    }
  }

  /** An absolute URL. */
  url(value: unknown, field: string): void {
    if (typeof value !== 'string') this.fail(field, value === undefined ? 'is required' : 'must be a string');
    else if (!URL.canParse(value)) this.fail(field, 'must be an absolute URL');
  }

  /** A plain object; returns it (or undefined) so nested fields can be checked. */
  object(value: unknown, field: string, required: boolean): Record<string, unknown> | undefined {
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(field, value === undefined ? 'is required' : 'must be an object');
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  /** An actor: id and name, and an email address and role list when present. */
  actor(value: unknown, field: string): void {
    const a = this.object(value, field, true);
    if (!a) return;
    this.text(a['id'], `${field}.id`);
    this.text(a['name'], `${field}.name`);
    const email = a['email'];
    if (email !== undefined && (typeof email !== 'string' || !looksLikeEmail(email))) {
      this.fail(`${field}.email`, 'must be an email address');
    }
    const roles = a['roles'];
    if (roles !== undefined && !(Array.isArray(roles) && roles.every((r) => typeof r === 'string'))) {
      this.fail(`${field}.roles`, 'must be a list of strings');
    }
  }

  /** The fields every event may carry. */
  common(e: Record<string, unknown>, ipRequired: boolean): void {
    this.optionalDate(e['time'], 'time');
    this.ip(e['ip'], 'ip', ipRequired);
    this.optionalString(e['userAgent'], 'userAgent');
    this.optionalString(e['sessionId'], 'sessionId');
    this.optionalString(e['brand'], 'brand');
  }
}

/** True when the first character is printable ASCII other than space: then the string is not blank. */
function startsVisible(s: string): boolean {
  const c = s.charCodeAt(0);
  return c > 0x20 && c < 0x7f;
}

/**
 * `local@domain.tld`: one `@` with something before it, a dot inside the domain, no white space; the same as
 * `/^[^\s@]+@[^\s@]+\.[^\s@]+$/`, without a backtracking regex on every call.
 */
export function looksLikeEmail(s: string): boolean {
  const at = s.indexOf('@');
  if (at <= 0 || s.indexOf('@', at + 1) !== -1) return false;
  const dot = s.indexOf('.', at + 2);
  return dot !== -1 && dot < s.length - 1 && !/\s/.test(s);
}

/**
 * The same answer as `net.isIPv4` (four decimal parts from 0 to 255, no leading zeros), read by hand: most
 * client addresses are IPv4, and `net.isIP` tries them against two large regexes on every call.
 */
export function isIPv4(s: string): boolean {
  if (s.length < 7 || s.length > 15) return false;
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e; // a final '.' closes the last part
    if (c === 0x2e) {
      if (digits === 0 || value > 255 || ++parts > 4) return false;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits === 1 && value === 0) return false; // a leading zero
      value = value * 10 + (c - 0x30);
      digits += 1;
    } else return false;
  }
  return parts === 4;
}
