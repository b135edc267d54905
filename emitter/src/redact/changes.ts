import { REDACTED, isSecretKey } from './secret-keys';

const MAX_DEPTH = 12;

/**
 * A deep copy of `value` with every secret-looking key's value replaced by `[REDACTED]`.
 * Cycles and nesting deeper than 12 levels are cut rather than followed.
 */
export function redactChanges(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : value;
  }
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value) || depth >= MAX_DEPTH) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactChanges(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && v !== null && v !== undefined && v !== ''
        ? REDACTED
        : redactChanges(v, depth + 1, seen);
  }
  return out;
}
