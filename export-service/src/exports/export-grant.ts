import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { LOG_TYPES, type LogType } from '@auditlens/contract';
import { NotAllowedError } from '../domain-errors';

/** What a grant proves: this Grafana user may read this log type (Grafana checked it on the read route). */
export interface ExportGrant {
  /**
   * The grant's identity, the same however it is spelled: the SHA-256 (base64url) of its signed payload, which
   * holds a random nonce. A grant makes one export; the job store keeps this id.
   */
  readonly id: string;
  /** The user's stable id (`Requester.uid`), not the login, which can be renamed or reused. */
  readonly uid: string;
  readonly logType: LogType;
  /** Expiry, ms since the epoch. */
  readonly exp: number;
}

/** How long a grant is valid. The default value is 5 minutes. */
export const GRANT_TTL_MS = 5 * 60_000;

const NONCE_BYTES = 12;

const keyOf = (secret: string): Buffer =>
  createHmac('sha256', 'auditlens-export-grant').update(secret).digest();

// `<payload>.<signature>`, both unpadded base64url, and nothing else: the signature is an HMAC-SHA256 (32 bytes,
// 43 characters). A grant that differs in any character is another string, and is refused unless it is the
// canonical spelling of its bytes (see `canonical`).
const GRANT_SHAPE = /^([A-Za-z0-9_-]{1,1400})\.([A-Za-z0-9_-]{43})$/;

// Exactly the keys issueGrant writes: no key more, none less.
const grantPayload = z.strictObject({
  uid: z.string().min(1).max(200),
  logType: z.enum(LOG_TYPES),
  exp: z.number().int().positive(),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{16}$/),
});

/**
 * The bytes of `text` when it is their one canonical unpadded base64url spelling; undefined otherwise. Node's
 * decoder forgives a lot (`=` padding, `+` and `/`, set bits past the last byte, characters it skips), so a
 * decoded value is accepted only when encoding it again gives `text` back.
 */
function canonical(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** A signed grant for the user `uid` to export `logType`, valid for GRANT_TTL_MS. */
export function issueGrant(
  secret: string,
  uid: string,
  logType: LogType,
  now = Date.now()
): { grant: string; expiresAt: string } {
  // A grant makes one export (the job store keeps its id), so two grants asked for in the same millisecond
  // must differ: the nonce makes every grant unique.
  const nonce = randomBytes(NONCE_BYTES).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ uid, logType, exp: now + GRANT_TTL_MS, nonce })).toString(
    'base64url'
  );
  const sig = createHmac('sha256', keyOf(secret)).update(payload).digest('base64url');
  return { grant: `${payload}.${sig}`, expiresAt: new Date(now + GRANT_TTL_MS).toISOString() };
}

/**
 * The grant's content if it is exactly a grant this service issued (its shape, canonical encoding, signature
 * compared in constant time, payload keys), unexpired and issued to the user `uid`; otherwise NotAllowedError.
 */
export function verifyGrant(secret: string, grant: string, uid: string, now = Date.now()): ExportGrant {
  const invalid = () => new NotAllowedError('invalid export grant');
  const parts = GRANT_SHAPE.exec(grant);
  if (!parts) throw invalid();
  const payload = parts[1]!;
  const given = canonical(parts[2]!);
  const payloadBytes = canonical(payload);
  if (!given || !payloadBytes) throw invalid();
  const expected = createHmac('sha256', keyOf(secret)).update(payload).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let content: z.infer<typeof grantPayload>;
  try {
    content = grantPayload.parse(JSON.parse(payloadBytes.toString('utf8')));
  } catch {
    throw invalid();
  }
  if (content.uid !== uid) throw new NotAllowedError('export grant was issued to someone else');
  if (content.exp < now) throw new NotAllowedError('export grant has expired; ask again');
  const id = createHash('sha256').update(payloadBytes).digest('base64url');
  return { id, uid: content.uid, logType: content.logType, exp: content.exp };
}
