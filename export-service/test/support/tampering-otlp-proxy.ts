// An OTLP/HTTP JSON proxy between an emitter and Loki's /otlp endpoint that can change what passes: the
// attacker with write access on the way (a compromised collector), or a network that reorders.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An OTLP JSON attribute value. */
export interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
/** An OTLP JSON log record. */
export interface OtlpRecord {
  timeUnixNano?: string;
  observedTimeUnixNano?: string;
  severityNumber?: number;
  severityText?: string;
  body?: OtlpValue;
  eventName?: string;
  attributes?: Array<{ key: string; value: OtlpValue }>;
}
/** An OTLP JSON logs request. */
export interface OtlpRequest {
  resourceLogs: Array<{
    resource?: { attributes?: Array<{ key: string; value: OtlpValue }> };
    scopeLogs: Array<{ scope?: { name?: string; version?: string }; logRecords: OtlpRecord[] }>;
  }>;
}

/** A record that went through the proxy, with its resource's log type and its attributes as strings. */
export interface PassedRecord {
  readonly logType: string;
  readonly ts: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly record: OtlpRecord;
}

/** The string form of an attribute value, as Loki stores it. */
export function valueText(v: OtlpValue): string {
  return (
    v.stringValue ??
    (v.intValue !== undefined
      ? String(v.intValue)
      : v.boolValue !== undefined
        ? String(v.boolValue)
        : String(v.doubleValue))
  );
}

/** Attributes of a record by name, as strings. */
export function attributesOf(r: OtlpRecord): Record<string, string> {
  return Object.fromEntries((r.attributes ?? []).map((a) => [a.key, valueText(a.value)]));
}

/** Sets (or adds) a string attribute of a record in place. */
export function setAttribute(r: OtlpRecord, key: string, value: string): void {
  const found = r.attributes?.find((a) => a.key === key);
  if (found) found.value = { stringValue: value };
  else (r.attributes ??= []).push({ key, value: { stringValue: value } });
}

/** Forwards OTLP JSON to `${target}/otlp/v1/logs`, after `tamper` changed it. Listens on 127.0.0.1. */
export class TamperingOtlpProxy {
  /** Changes each request in place before it is forwarded; none by default. */
  tamper: ((request: OtlpRequest) => void) | undefined;
  /** Every record forwarded, in order. */
  readonly passed: PassedRecord[] = [];
  private readonly server: Server;

  private constructor(private readonly target: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
        this.tamper?.(request);
        for (const rl of request.resourceLogs) {
          const logType = valueText(
            rl.resource?.attributes?.find((a) => a.key === 'audit.log_type')?.value ?? {}
          );
          for (const sl of rl.scopeLogs)
            for (const r of sl.logRecords)
              this.passed.push({
                logType,
                ts: String(r.timeUnixNano),
                attributes: attributesOf(r),
                record: r,
              });
        }
        fetch(`${this.target}/otlp/v1/logs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request),
        }).then(
          async (answer) =>
            res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()),
          () => res.writeHead(502).end()
        );
      });
    });
  }

  /** Starts a proxy to the Loki at `target`. */
  static async start(target: string): Promise<TamperingOtlpProxy> {
    const proxy = new TamperingOtlpProxy(target.replace(/\/+$/, ''));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The base URL to give an emitter as `endpoint` (it appends `/v1/logs`). */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/otlp`;
  }

  /** The records forwarded of one log type (`integrity_checkpoint` for checkpoints), by seq. */
  bySeq(logType: string): Map<number, PassedRecord> {
    return new Map(
      this.passed
        .filter((p) => p.logType === logType)
        .map((p) => [Number(p.attributes['audit.chain.seq']), p])
    );
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
