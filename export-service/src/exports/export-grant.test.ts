import { NotAllowedError } from '../domain-errors';
import { GRANT_TTL_MS, issueGrant, verifyGrant } from './export-grant';

describe('export grants', () => {
  const secret = 'a-shared-secret-of-16+';
  const now = Date.parse('2026-11-20T10:00:00Z');

  it('binds the user and the log type, and expires', () => {
    const { grant } = issueGrant(secret, 'u-jane', 'access', now);
    expect(verifyGrant(secret, grant, 'u-jane', now)).toMatchObject({ uid: 'u-jane', logType: 'access' });
    expect(() => verifyGrant(secret, grant, 'u-bob', now)).toThrow(NotAllowedError);
    expect(() => verifyGrant('another-secret-of-16+', grant, 'u-jane', now)).toThrow(NotAllowedError);
    expect(() => verifyGrant(secret, grant, 'u-jane', now + GRANT_TTL_MS + 1)).toThrow(/expired/);
  });

  it('differ when asked for in the same millisecond, so each makes its own export', () => {
    const a = issueGrant(secret, 'u-jane', 'access', now).grant;
    const b = issueGrant(secret, 'u-jane', 'access', now).grant;
    expect(a).not.toEqual(b);
    expect(verifyGrant(secret, b, 'u-jane', now).logType).toBe('access');
  });
});
