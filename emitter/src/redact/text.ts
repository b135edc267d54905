import { REDACTED, isSecretKey, mayNameSecret } from './secret-keys';
import { redactSecretShapes } from './secret-values';
import { redactUrlIfNeeded } from './url';

// A URL in prose: a scheme and `://`, up to white space, a quote or a bracket; punctuation at its end is prose.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

// `Authorization: Bearer <token>`, `authorization=<token>`, `"Proxy-Authorization": "Basic <…>"`: the scheme
// stays (it says what kind of credential it was), the credential goes.
const SCHEMES =
  'bearer|basic|digest|token|bot|negotiate|ntlm|apikey|key|sharedkey|sharedaccesssignature|aws4-hmac-sha256|oauth|dsn|geniekey|splunk';
const AUTHORIZATION = new RegExp(
  `\\b((?:proxy-)?authorization["']?\\s*[:=]\\s*["']?)(?!(?:(?:${SCHEMES})\\s+)?\\[REDACTED\\])(?:(${SCHEMES})\\s+)?[^\\s"',;]+`,
  'gi'
);

// `Bearer <token>`, `Basic <base64>` anywhere else (a header pasted into an error).
const SCHEME_CREDENTIAL = /\b(bearer|basic)(\s+)(?!\[REDACTED\])([A-Za-z0-9._~+/-]+=*)/gi;

// `password=…`, `api_key: …`, `"client_secret": "…"`, `token='…'`: a name, `:` or `=`, and a value. An unquoted
// value is matched up to the next `:` or `=` (and quoted ones up to 256 characters), so reading again after a name
// that is not secret stays cheap; a secret value is then redacted to the end of its token, `:` and `=` included.
const NAME_VALUE =
  /(["']?)\b([A-Za-z][\w.-]{0,63})\1(\s*[:=]\s*)(?!\[REDACTED\])("[^"]{0,256}"|'[^']{0,256}'|[^\s,;&"'<>)}\]:=]+)/g;
const VALUE_CHAR = /[^\s,;&"'<>)}\]]/;

// Free text says `status code: 502`; an OAuth `code` travels in URLs, where the URL rule takes it.
const NOT_SECRET_IN_TEXT = new Set(['code']);

/**
 * `text` with the credentials inside it replaced by `[REDACTED]`: secrets of a known shape (`secret-values.ts`),
 * URLs (as {@link redactUrl} does, a URL that needs nothing is left as written), the credential of an
 * `Authorization` header or of `Bearer`/`Basic`, and the value after a secret-looking name (`password=…`,
 * `"api_key": "…"`). For error messages, summaries and other free text, where secrets hide under no key.
 */
export function redactText(text: string): string {
  let out = redactSecretShapes(text);
  if (out.includes('://')) out = out.replace(URL_IN_TEXT, redactUrlInText);
  if (!/[:=]|bearer|basic/i.test(out)) return out;
  out = out
    .replace(AUTHORIZATION, (_m, head: string, scheme: string | undefined) =>
      scheme ? `${head}${scheme} ${REDACTED}` : `${head}${REDACTED}`
    )
    .replace(SCHEME_CREDENTIAL, (match, scheme: string, space: string, credential: string) =>
      looksLikeCredential(credential) ? `${scheme}${space}${REDACTED}` : match
    );
  return mayNameSecret(out) ? redactNamedValues(out) : out;
}

/** The values after secret-looking names (`password=…`, `"api_key": "…"`). */
function redactNamedValues(text: string): string {
  const pattern = NAME_VALUE;
  pattern.lastIndex = 0;
  let out = '';
  let done = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    const [match, quote = '', name = '', separator = '', value = ''] = m;
    if (!isSecretKey(name) || /authorization/i.test(name) || NOT_SECRET_IN_TEXT.has(name.toLowerCase())) {
      // Read the value again: `smtp: password=…` is a name whose value holds another name.
      pattern.lastIndex = m.index + match.length - value.length;
      continue;
    }
    const valueQuote = value.startsWith('"') || value.startsWith("'") ? value[0]! : '';
    out += `${text.slice(done, m.index)}${quote}${name}${quote}${separator}${valueQuote}${REDACTED}${valueQuote}`;
    done = m.index + match.length;
    if (!valueQuote) while (done < text.length && VALUE_CHAR.test(text[done]!)) done++;
    pattern.lastIndex = done;
  }
  return out + text.slice(done);
}

function redactUrlInText(candidate: string): string {
  const trailing = candidate.endsWith(REDACTED) ? '' : (TRAILING_PUNCTUATION.exec(candidate)?.[0] ?? '');
  const url = trailing ? candidate.slice(0, -trailing.length) : candidate;
  const redacted = redactUrlIfNeeded(url);
  return redacted === undefined ? candidate : redacted + trailing;
}

// A credential after `Bearer`/`Basic` rather than a word of prose (`Basic authentication failed`): 8 characters
// or more with a digit, a capital after the first letter, or a character of base64 or a token.
function looksLikeCredential(text: string): boolean {
  return text.length >= 8 && (/[0-9._~+/=-]/.test(text) || /[A-Z]/.test(text.slice(1)));
}
