import { REDACTED, isSecretKey } from './secret-keys';
import { redactText } from './text';

const MAX_DEPTH = 12;

// Keys that name the field an entry is about: `[{ field: 'smtp_password', from, to }]`, `{ name, value }`,
// JSON Patch's `{ op, path: '/smtp/password', value }`. Compared lower-cased without separators.
const NAMING_KEYS = new Set([
  'field',
  'fieldname',
  'name',
  'key',
  'attribute',
  'property',
  'setting',
  'path',
  'param',
  'parameter',
  'variable',
  'header',
]);
// Siblings that describe the change rather than carry the value.
const DESCRIBING_KEYS = new Set(['op', 'operation', 'action', 'type', 'kind', 'label']);

const normalized = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');
const present = (v: unknown) => v !== null && v !== undefined && v !== '';

/**
 * A deep copy of `value` with secrets replaced by `[REDACTED]`: the values of secret-looking keys at any depth
 * (`{ smtp_password: … }`); the values of an entry that names a secret-looking field (`{ field: 'smtp_password',
 * from, to }`, in an array or not; booleans stay, they hold no secret); and, in every other string, what
 * {@link redactText} finds (webhook URLs, tokens, `password=…`). Cycles and nesting deeper than 12 levels are cut
 * rather than followed.
 */
export function redactChanges(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : value;
  }
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value) || depth >= MAX_DEPTH) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactChanges(v, depth + 1, seen));
  const entries = Object.entries(value);
  const namesSecret = entries.some(
    ([key, v]) =>
      NAMING_KEYS.has(normalized(key)) && typeof v === 'string' && v.length <= 256 && isSecretKey(v)
  );
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) {
    const k = normalized(key);
    const naming = namesSecret && NAMING_KEYS.has(k) && typeof v === 'string';
    if (naming) out[key] = redactText(v);
    else if (isSecretKey(key) && present(v)) out[key] = REDACTED;
    else if (namesSecret && !DESCRIBING_KEYS.has(k) && present(v) && typeof v !== 'boolean')
      out[key] = REDACTED;
    else out[key] = redactChanges(v, depth + 1, seen);
  }
  return out;
}
