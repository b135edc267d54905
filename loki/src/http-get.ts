import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A response read whole: status and raw body. */
export interface RawResponse {
  readonly status: number;
  readonly body: Buffer;
}

/** Why a request got no response. */
export type RequestFailure = 'timed out' | 'is unreachable';

/** Thrown by {@link httpGet} when no response came: the network failed, the signal aborted or time ran out. */
export class NoResponseError extends Error {
  constructor(readonly reason: RequestFailure) {
    super(reason);
    this.name = 'NoResponseError';
  }
}

/**
 * GET `url` with node's own HTTP client and read the body into one Buffer.
 *
 * Loki pages are megabytes of JSON; node:http hands the body over as Buffers with none of the web-streams
 * layers of `fetch`, which cost more per page than parsing it.
 */
export function httpGet(
  url: URL,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal
): Promise<RawResponse> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<RawResponse>((resolve, reject) => {
    const fail = () => reject(new NoResponseError(isTimeout(signal) ? 'timed out' : 'is unreachable'));
    const req = request(url, { method: 'GET', headers, signal }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

// AbortSignal.timeout's reason is a DOMException named TimeoutError; checked by name, since a DOMException is
// not an instance of another realm's Error (as under jest).
function isTimeout(signal: AbortSignal): boolean {
  const reason: unknown = signal.reason;
  return (
    signal.aborted &&
    typeof reason === 'object' &&
    reason !== null &&
    'name' in reason &&
    reason.name === 'TimeoutError'
  );
}
