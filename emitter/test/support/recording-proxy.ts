import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request that went through the proxy, and Loki's answer. */
export interface ProxiedExchange {
  readonly path: string;
  readonly requestBytes: number;
  readonly status: number;
  /** The answer's body when it was not a success (Loki says why it refused). */
  readonly refusal?: string;
}

/**
 * A loopback HTTP proxy in front of a real server that keeps every exchange: what the emitter sent (sizes)
 * and how the server answered, so a test can see refusals that the OTLP exporter's retries would hide.
 */
export class RecordingProxy {
  readonly exchanges: ProxiedExchange[] = [];
  private readonly server: Server;

  private constructor(private readonly target: URL) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const upstream = request(
          new URL(req.url ?? '/', this.target),
          { method: req.method, headers: { ...req.headers, host: this.target.host } },
          (answer) => {
            const answerChunks: Buffer[] = [];
            answer.on('data', (c: Buffer) => answerChunks.push(c));
            answer.on('end', () => {
              const status = answer.statusCode ?? 0;
              const answerBody = Buffer.concat(answerChunks);
              this.exchanges.push({
                path: req.url ?? '/',
                requestBytes: body.length,
                status,
                refusal: status >= 300 ? answerBody.toString('utf8').slice(0, 500) : undefined,
              });
              res.writeHead(status, answer.headers).end(answerBody);
            });
          }
        );
        upstream.on('error', (error) => res.writeHead(502).end(String(error)));
        upstream.end(body);
      });
    });
  }

  /** Starts a proxy on a free loopback port in front of `target` (a base URL). */
  static async start(target: string): Promise<RecordingProxy> {
    const proxy = new RecordingProxy(new URL(target));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** Base URL of the proxy. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
