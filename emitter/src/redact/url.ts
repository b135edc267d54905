import { REDACTED, isSecretKey } from './secret-keys';

/**
 * The URL with user credentials removed and secret-looking query parameters (token, key, signature, ...)
 * redacted. A string that is not a URL is returned as `[REDACTED]`, since it cannot be checked.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return REDACTED;
  }
  if (url.username || url.password) {
    url.username = REDACTED;
    url.password = '';
  }
  for (const key of [...url.searchParams.keys()]) {
    if (isSecretKey(key)) url.searchParams.set(key, REDACTED);
  }
  // Fragments sometimes carry OAuth tokens (`#access_token=...`).
  if (url.hash && /token|secret|key|sig/i.test(url.hash)) url.hash = REDACTED;
  return url.toString();
}
