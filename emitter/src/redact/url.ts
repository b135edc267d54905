import { REDACTED, isSecretKey } from './secret-keys';
import { hasSecretShape, looksLikeSecret } from './secret-values';
import { webhookKeep } from './webhook-hosts';

const ENCODED_PLACEHOLDER = encodeURIComponent(REDACTED);

/**
 * The URL with its secrets replaced by `[REDACTED]`, keeping what tells URLs apart (scheme, host, port, the path
 * up to the secret, the other parameters): user credentials; the path of a known webhook host after the part
 * that names it (`https://hooks.slack.com/services/[REDACTED]`, `webhook-hosts.ts`); any other path segment
 * that looks like a secret (a known token shape, a UUID, a random-looking string) or follows a secret's name
 * (`/key/<…>`); query parameters with secret-looking names (token, key, sig, ...) or values of a known token
 * shape; a fragment that mentions one. A string that is not a URL is returned as `[REDACTED]`, since it cannot
 * be checked.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return REDACTED;
  }
  redactParts(url);
  return serialize(url);
}

/** For URLs found in text: the redacted URL, or undefined when nothing in it needed redacting (or it is no URL). */
export function redactUrlIfNeeded(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  return redactParts(url) ? serialize(url) : undefined;
}

function serialize(url: URL): string {
  return url.toString().replaceAll(ENCODED_PLACEHOLDER, REDACTED);
}

/** Redacts `url` in place; true when anything was. */
function redactParts(url: URL): boolean {
  let changed = false;
  if (url.username || url.password) {
    url.username = REDACTED;
    url.password = '';
    changed = true;
  }
  const path = redactPath(url.hostname, url.pathname);
  if (path !== undefined) {
    url.pathname = path;
    changed = true;
  }
  if (url.search) {
    const params = new URLSearchParams();
    let secret = false;
    for (const [key, value] of url.searchParams) {
      const nested = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? redactUrlIfNeeded(value) : undefined;
      const hidden = value !== '' && (isSecretKey(key) || hasSecretShape(value));
      params.append(key, hidden ? REDACTED : (nested ?? value));
      secret ||= hidden || nested !== undefined;
    }
    if (secret) {
      url.search = params.toString();
      changed = true;
    }
  }
  // Fragments sometimes carry OAuth tokens (`#access_token=...`).
  if (url.hash && (/token|secret|key|sig|code|pass/i.test(url.hash) || hasSecretShape(url.hash))) {
    url.hash = REDACTED;
    changed = true;
  }
  return changed;
}

/** The redacted path, or undefined when it holds nothing secret. */
function redactPath(hostname: string, pathname: string): string | undefined {
  if (!pathname.startsWith('/')) return undefined; // `mailto:`, `urn:`: no segments
  const segments = pathname.slice(1).split('/');
  const keep = webhookKeep(hostname, segments);
  if (keep === 'path') return undefined;
  if (keep !== undefined) {
    if (!segments.slice(keep).some((s) => s !== '')) return undefined;
    return `/${[...segments.slice(0, keep), REDACTED].join('/')}`;
  }
  let changed = false;
  let afterSecretName = false;
  const out = segments.map((segment) => {
    const text = decoded(segment);
    // After `/key/`, `/token/`, ...: the next segment is the value, unless it is a plain word or a number.
    const secret =
      segment !== '' && ((afterSecretName && !/^(?:[a-z]+|[0-9]+)$/.test(text)) || looksLikeSecret(text));
    afterSecretName = /^[A-Za-z_-]+$/.test(text) && isSecretKey(text);
    changed ||= secret;
    return secret ? REDACTED : segment;
  });
  return changed ? `/${out.join('/')}` : undefined;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
