// Refusing secrets that someone else knows or can guess: the placeholders of example files (`change-me-...`),
// short values, and values with little variety. The service checks its own secrets with these at start, so a
// stack never runs on a value copied from documentation.

/** Fewer characters than this is too short to be a shared secret. */
export const MIN_SECRET_LENGTH = 16;
/** Below this many bits, estimated from the characters' frequencies, a secret is too easy to guess. */
export const MIN_SECRET_BITS = 48;
/** Fewer distinct characters than this is a repeated word, not a random value. */
const MIN_DISTINCT_CHARACTERS = 8;

// Words example files and tutorials put where a secret belongs.
const PLACEHOLDER =
  /change[-_ ]?me|replace[-_ ]?me|placeholder|example|your[-_ ]?(secret|password|token)|<[^>]*>/i;

/** The advice every refusal ends with. */
export const SECRET_ADVICE = 'set it to a long random value, e.g. `openssl rand -base64 32`';

/** True when `value` contains a placeholder word of example files (`change-me`, `example`, `<your-token>`). */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/**
 * The estimated entropy of `value` in bits: its length times the Shannon entropy of its character frequencies.
 * An upper bound for values people make up, about right for random ones.
 */
export function estimatedBits(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  const length = [...value].length;
  let perCharacter = 0;
  for (const n of counts.values()) perCharacter -= (n / length) * Math.log2(n / length);
  return perCharacter * length;
}

/** Why `value` is not fit to be a secret, or undefined when it is. */
export function weakSecretReason(value: string): string | undefined {
  if (isPlaceholder(value)) return 'is a placeholder from an example file';
  if ([...value].length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters`;
  if (new Set(value).size < MIN_DISTINCT_CHARACTERS || estimatedBits(value) < MIN_SECRET_BITS)
    return 'is too easy to guess (too little variety)';
  return undefined;
}
