import { REDACTED } from './secret-keys';

/** A secret recognised by its shape wherever it appears, whatever its name. */
export interface SecretShape {
  /** What it is, for the README's list. */
  readonly name: string;
  /** Matches the secret; group 1, when present, is a prefix that says what kind of secret it was and is kept. */
  readonly pattern: RegExp;
}

/**
 * Secrets told by their shape: tokens whose issuers give them a fixed prefix (so scanners can find leaks, as
 * GitHub's secret scanning does), JWTs and PEM private keys. Each is replaced by `[REDACTED]`, after the prefix
 * that names its kind (`sk_live_[REDACTED]`), so ops still see which kind of key it was.
 */
export const SECRET_SHAPES: readonly SecretShape[] = [
  {
    name: 'PEM private key',
    pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  },
  { name: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g },
  { name: 'Stripe secret or restricted key', pattern: /\b((?:sk|rk)_(?:live|test)_)[0-9A-Za-z]{8,}/g },
  { name: 'Stripe webhook signing secret', pattern: /\b(whsec_)[0-9A-Za-z+/=]{8,}/g },
  { name: 'Slack token', pattern: /\b(xox[abeoprs]-)[0-9A-Za-z-]{8,}/g },
  { name: 'Slack app token', pattern: /\b(xapp-)[0-9A-Za-z-]{8,}/g },
  { name: 'GitHub token', pattern: /\b(gh[opsur]_)[0-9A-Za-z]{20,}/g },
  { name: 'GitHub fine-grained token', pattern: /\b(github_pat_)[0-9A-Za-z_]{20,}/g },
  { name: 'GitLab token', pattern: /\b(glpat-)[0-9A-Za-z_-]{20,}/g },
  { name: 'AWS access key id', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: 'Google API key', pattern: /\b(AIza)[0-9A-Za-z_-]{35}/g },
  { name: 'Google OAuth access token', pattern: /\b(ya29\.)[0-9A-Za-z_-]{20,}/g },
  { name: 'SendGrid API key', pattern: /\b(SG\.)[0-9A-Za-z_-]{16,}\.[0-9A-Za-z_-]{16,}/g },
  { name: 'npm token', pattern: /\b(npm_)[0-9A-Za-z]{36}\b/g },
  { name: 'OpenAI / Anthropic key', pattern: /\b(sk-(?:proj-|ant-)?)[0-9A-Za-z_-]{20,}/g },
  { name: 'Shopify token', pattern: /\b(shp(?:at|ss|ca|pa)_)[0-9a-fA-F]{32}\b/g },
  { name: 'Mailgun key', pattern: /\b(key-)[0-9a-f]{32}\b/g },
  { name: 'Square token', pattern: /\b(sq0(?:atp|csp)-)[0-9A-Za-z_-]{22,}/g },
  { name: 'Atlassian API token', pattern: /\b(ATATT3)[0-9A-Za-z_=-]{20,}/g },
  { name: 'Hugging Face token', pattern: /\b(hf_)[0-9A-Za-z]{30,}/g },
  { name: 'Telegram bot token', pattern: /\b(bot)?\d{8,10}:AA[0-9A-Za-z_-]{33}\b/g },
];

// One pass that tells whether any shape is there at all: most strings have none, and are then left alone.
const ANY_SHAPE = new RegExp(SECRET_SHAPES.map((s) => `(?:${s.pattern.source})`).join('|'));

/** `text` with every secret of a known shape replaced (keeping the prefix that names its kind). */
export function redactSecretShapes(text: string): string {
  if (!ANY_SHAPE.test(text)) return text;
  let out = text;
  for (const { pattern } of SECRET_SHAPES)
    out = out.replace(pattern, (_match, prefix: unknown) =>
      typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED
    );
  return out;
}

/** True when `text` holds a secret of a known shape. */
export function hasSecretShape(text: string): boolean {
  return ANY_SHAPE.test(text);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_CHARS = /^[A-Za-z0-9_.~+=%-]+$/;

/**
 * True when a URL path segment or parameter value looks like a generated secret rather than a word or an id: a
 * known shape, a UUID (a capability URL's usual key), or 16 characters or more of token characters whose letters
 * and digits alternate the way random strings do (at least one change of class, lower/upper/digit, every five
 * characters: random base62 changes about every 1.6, lowercase hex every 2.1; `order-2024-summary-v2` does not).
 * Numbers alone are ids and stay.
 */
export function looksLikeSecret(text: string): boolean {
  if (hasSecretShape(text) || UUID.test(text)) return true;
  if (text.length < 16 || !TOKEN_CHARS.test(text) || /^[0-9]+$/.test(text)) return false;
  let changes = 0;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const kind = c >= 48 && c <= 57 ? 0 : c >= 97 && c <= 122 ? 1 : c >= 65 && c <= 90 ? 2 : -1;
    if (kind < 0) continue;
    if (last >= 0 && kind !== last) changes++;
    last = kind;
  }
  return changes >= Math.max(4, text.length / 5);
}
