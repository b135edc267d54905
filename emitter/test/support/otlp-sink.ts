import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHECKPOINT_LOG_TYPE } from '@auditlens/contract';
import { decodeLogsRequest } from './otlp-protobuf';

/** OTLP JSON `AnyValue`. */
export interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
/** OTLP JSON `KeyValue`. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
/** OTLP JSON `LogRecord` (the fields the tests read). */
export interface OtlpLogRecord {
  timeUnixNano: string;
  severityNumber?: number;
  severityText?: string;
  body?: OtlpAnyValue;
  eventName?: string;
  attributes?: OtlpKeyValue[];
}
/** OTLP JSON `ExportLogsServiceRequest`. */
export interface OtlpLogsRequest {
  resourceLogs: Array<{
    resource: { attributes: OtlpKeyValue[] };
    scopeLogs: Array<{ scope: { name: string; version?: string }; logRecords: OtlpLogRecord[] }>;
  }>;
}

/** How the sink answers. */
export type SinkMode = 'ok' | 'unavailable' | 'hang';

/**
 * A real OTLP/HTTP logs receiver on 127.0.0.1: decodes each request (OTLP JSON, or protobuf with the
 * OpenTelemetry proto definitions), keeps it, and answers according to its mode (200, 503, or never).
 */
export class OtlpSink {
  readonly requests: OtlpLogsRequest[] = [];
  readonly headers: IncomingMessage['headers'][] = [];
  /** The body size, in bytes, of each request taken (as sent: compressed if it was). */
  readonly bodySizes: number[] = [];
  mode: SinkMode = 'ok';
  private readonly server: Server;
  private readonly hanging: ServerResponse[] = [];

  private constructor(private readonly path: string) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** Starts a sink on a free loopback port that takes requests on `path` (404 elsewhere). */
  static async start(path = '/v1/logs'): Promise<OtlpSink> {
    const sink = new OtlpSink(path);
    await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
    return sink;
  }

  /** Base URL to give the emitter as `endpoint`. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Every audit record received (integrity checkpoints left out), flattened, with its resource attributes. */
  records(): Array<{ resource: Record<string, unknown>; record: OtlpLogRecord; scope: string }> {
    return this.allRecords().filter((r) => r.resource['audit.log_type'] !== CHECKPOINT_LOG_TYPE);
  }

  /** Every integrity checkpoint received. */
  checkpoints(): Array<{ resource: Record<string, unknown>; record: OtlpLogRecord; scope: string }> {
    return this.allRecords().filter((r) => r.resource['audit.log_type'] === CHECKPOINT_LOG_TYPE);
  }

  /** Every log record received, flattened, with its resource attributes. */
  allRecords(): Array<{ resource: Record<string, unknown>; record: OtlpLogRecord; scope: string }> {
    return this.requests.flatMap((r) =>
      r.resourceLogs.flatMap((rl) =>
        rl.scopeLogs.flatMap((sl) =>
          sl.logRecords.map((record) => ({
            resource: kv(rl.resource.attributes),
            record,
            scope: sl.scope.name,
          }))
        )
      )
    );
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url !== this.path || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      if (this.mode === 'hang') {
        this.hanging.push(res);
        return;
      }
      if (this.mode === 'unavailable') {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
        return;
      }
      const type = String(req.headers['content-type']);
      const body = Buffer.concat(chunks);
      if (type.startsWith('application/json')) {
        this.requests.push(JSON.parse(body.toString('utf8')) as OtlpLogsRequest);
      } else if (type.startsWith('application/x-protobuf')) {
        this.requests.push(decodeLogsRequest(body));
      } else {
        res.writeHead(415).end();
        return;
      }
      this.headers.push(req.headers);
      this.bodySizes.push(body.length);
      res.writeHead(200, { 'content-type': type }).end(type.startsWith('application/json') ? '{}' : '');
    });
  }
}

/** OTLP key-values as a plain object of their scalar values. */
export function kv(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    out[key] =
      value.stringValue ??
      (value.intValue !== undefined ? Number(value.intValue) : undefined) ??
      value.doubleValue ??
      value.boolValue;
  }
  return out;
}
