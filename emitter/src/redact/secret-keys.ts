/** Placeholder written instead of a secret value. */
export const REDACTED = '[REDACTED]';

// Matched against the key with separators removed and lower-cased, so `api_key`, `apiKey`, `API-Key` all match.
const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'privatekey',
  'authorization',
  'credential',
  'cookie',
  'signature',
  'sig',
  'otp',
  'pin',
  'ssn',
  'cvv',
] as const;

// Exact names that are secret-looking only as a whole word (`key`, `pwd`, `auth`), not as a part of `monkey`.
const SECRET_KEY_EXACT = new Set(['key', 'pwd', 'auth', 'pass', 'code', 'sig']);

/**
 * False when no name inside `text` can look secret: none of the words above appear in it, even with separators
 * removed. A cheap test before looking for `name=value` pairs in free text.
 */
export function mayNameSecret(text: string): boolean {
  const t = text.toLowerCase().replace(/[^a-z0-9]/g, '');
  return (
    SECRET_KEY_PARTS.some((part) => t.includes(part)) || [...SECRET_KEY_EXACT].some((w) => t.includes(w))
  );
}

/** True when a field or query-parameter name looks like it holds a secret. */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (SECRET_KEY_EXACT.has(k)) return true;
  return SECRET_KEY_PARTS.some((part) =>
    part.length <= 3 ? k === part || k.endsWith(part) : k.includes(part)
  );
}
