import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isLogType, type LogType } from '@auditlens/contract';
import { NotAllowedError } from '../domain-errors';

/** What a grant proves: this Grafana user may read this log type (Grafana checked it on the read route). */
export interface ExportGrant {
  /** The user's stable id (`Requester.uid`), not the login, which can be renamed or reused. */
  readonly uid: string;
  readonly logType: LogType;
  /** Expiry, ms since the epoch. */
  readonly exp: number;
}

/** How long a grant is valid. The default value is 5 minutes. */
export const GRANT_TTL_MS = 5 * 60_000;

const keyOf = (secret: string): Buffer =>
  createHmac('sha256', 'auditlens-export-grant').update(secret).digest();

/** A signed grant for the user `uid` to export `logType`, valid for GRANT_TTL_MS. */
export function issueGrant(
  secret: string,
  uid: string,
  logType: LogType,
  now = Date.now()
): { grant: string; expiresAt: string } {
  // A grant makes one export (the job store keeps its digest), so two grants asked for in the same millisecond
  // must differ: the nonce makes every grant unique.
  const nonce = randomBytes(12).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ uid, logType, exp: now + GRANT_TTL_MS, nonce })).toString(
    'base64url'
  );
  const sig = createHmac('sha256', keyOf(secret)).update(payload).digest('base64url');
  return { grant: `${payload}.${sig}`, expiresAt: new Date(now + GRANT_TTL_MS).toISOString() };
}

/** The grant's content if it is authentic, unexpired and issued to the user `uid`; otherwise NotAllowedError. */
export function verifyGrant(secret: string, grant: string, uid: string, now = Date.now()): ExportGrant {
  const [payload, sig] = grant.split('.');
  if (!payload || !sig) throw new NotAllowedError('invalid export grant');
  const expected = createHmac('sha256', keyOf(secret)).update(payload).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new NotAllowedError('invalid export grant');
  const content = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<ExportGrant>;
  if (content.uid !== uid || !isLogType(content.logType) || typeof content.exp !== 'number') {
    throw new NotAllowedError('export grant was issued to someone else');
  }
  if (content.exp < now) throw new NotAllowedError('export grant has expired; ask again');
  return { uid: content.uid, logType: content.logType, exp: content.exp };
}
