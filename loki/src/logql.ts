import {
  FILTER_FIELDS,
  LOG_TYPE_LABEL,
  lokiFieldName,
  SERVICE_NAME_ATTR,
  TEXT_FILTER_KEY,
  type LogType,
} from '@auditlens/contract';

/**
 * A field name that cannot stand in a query (`by (...)` takes only plain label names). The routes never pass
 * one from their input; should one come, the error handler answers 400 naming `field`.
 */
export class InvalidFieldError extends Error {
  constructor(readonly fieldName: string) {
    super(`not a field name: ${fieldName}`);
    this.name = 'InvalidFieldError';
  }
}

/** Options of the query builders. */
export interface QueryOptions {
  /** Restrict to one emitting service (`service_name` label). Default: every service. */
  readonly serviceName?: string;
}

/**
 * A LogQL double-quoted string literal holding exactly `value`. LogQL unquotes with Go's rules, so
 * backslash, quote and every control character are escaped; `|`, `}` and the like are inert inside quotes.
 */
export function quoteLogQL(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `value` as an RE2 pattern that matches it literally. */
export function quoteRegexp(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** The stream selector of a log type; the log type always comes from the caller's route, never from input. */
export function buildSelector(logType: LogType, options: QueryOptions = {}): string {
  const matchers = [`${LOG_TYPE_LABEL}=${quoteLogQL(logType)}`];
  if (options.serviceName)
    matchers.unshift(`${lokiFieldName(SERVICE_NAME_ATTR)}=${quoteLogQL(options.serviceName)}`);
  return `{${matchers.join(', ')}}`;
}

/**
 * The LogQL log query for a log type and user filters (checked by the route: `schemas/filters.ts`): the
 * selector, an exact structured-metadata match per filter field, and the free-text filter as a
 * case-insensitive literal match on the summary. Keys that are not the log type's filter fields and empty
 * values are left out. Every user value is escaped; no user input ever becomes LogQL syntax.
 */
export function buildLogQuery(
  logType: LogType,
  filters: Readonly<Record<string, string>> = {},
  options: QueryOptions = {}
): string {
  const stages: string[] = [];
  for (const field of FILTER_FIELDS[logType]) {
    const value = filters[field.key];
    if (value) stages.push(`| ${field.lokiField}=${quoteLogQL(value)}`);
  }
  const text = filters[TEXT_FILTER_KEY];
  if (text) stages.push(`|~ ${quoteLogQL(`(?i)${quoteRegexp(text)}`)}`);
  return [buildSelector(logType, options), ...stages].join(' ');
}

/**
 * A metric query counting matching events over a range vector of `rangeMs` milliseconds, split by one
 * structured-metadata field when `byField` is given, or by several at once (one series per combination of their
 * values): `sum by (<fields>) (count_over_time(<log query> [<range>]))`.
 */
export function buildCountQuery(
  logQuery: string,
  byField: string | readonly string[] | undefined,
  rangeMs: bigint
): string {
  const fields = byField === undefined ? [] : typeof byField === 'string' ? [byField] : byField;
  for (const field of fields) checkFieldName(field);
  const ms = rangeMs > 0n ? rangeMs : 1n;
  const range = ms % 1000n === 0n ? `${ms / 1000n}s` : `${ms}ms`;
  return `sum${fields.length > 0 ? ` by (${fields.join(', ')})` : ''} (count_over_time(${logQuery} [${range}]))`;
}

/** A structured-metadata or label name the service writes into LogQL itself (never user input). */
function checkFieldName(field: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) throw new InvalidFieldError(field);
}

/**
 * A log query for sampling the values of `field`: the events of `logQuery`, each answered with that one field only
 * (`keep`; an event without it comes back without any), so a page of a few thousand is small for Loki to send and
 * for the service to read. No filter on the field: without a filter Loki's frontend reads a limited query newest
 * split first and stops when it has enough, where a filter makes it read every split at once.
 */
export function buildFieldSampleQuery(logQuery: string, field: string): string {
  checkFieldName(field);
  return `${logQuery} | keep ${field}`;
}

/**
 * `logQuery` narrowed to the events whose `field` is one of `values` (at least one): `| f="a" or f="b"`. Equality
 * matchers joined by `or`, not a regexp alternation: Loki 3.7 turns some label-filter regexps into substring
 * matches (see `pipelineRegexp` in the double), equality is always exact. Every value is escaped.
 */
export function withFieldValues(logQuery: string, field: string, values: readonly string[]): string {
  checkFieldName(field);
  if (values.length === 0) throw new RangeError('at least one value is needed');
  return `${logQuery} | ${values.map((v) => `${field}=${quoteLogQL(v)}`).join(' or ')}`;
}
