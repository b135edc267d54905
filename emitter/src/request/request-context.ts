import type { IncomingMessage } from 'node:http';

/** The audit fields a request gives: client IP and user agent. */
export interface RequestContext {
  readonly ip?: string;
  readonly userAgent?: string;
}

/**
 * `ip` and `userAgent` of an express or plain Node request. With express, `req.ip` already applies the
 * app's `trust proxy` setting, so X-Forwarded-For is honoured only where the app trusts the proxy;
 * a plain Node request uses the socket's peer address and never trusts forwarded headers.
 */
export function requestContext(req: IncomingMessage & { ip?: string }): RequestContext {
  const raw = req.ip ?? req.socket?.remoteAddress;
  const ua = req.headers['user-agent'];
  return {
    ip: raw ? normaliseIp(raw) : undefined,
    userAgent: typeof ua === 'string' && ua !== '' ? ua : undefined,
  };
}

// Node reports IPv4 peers on dual-stack sockets as IPv4-mapped IPv6 (`::ffff:203.0.113.7`).
function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
