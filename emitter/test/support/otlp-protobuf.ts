import { join } from 'node:path';
import type { OtlpLogsRequest } from './otlp-sink';

interface ProtoMessageType {
  decode(data: Uint8Array): object;
  toObject(message: object, options: Record<string, unknown>): unknown;
}

// The OpenTelemetry proto definitions compiled by protobufjs, installed test-only in ./proto-definitions
// (see its package.json for why it lives outside the workspaces).
const GENERATED = join(
  __dirname,
  '..',
  'proto-definitions',
  'node_modules',
  '@opentelemetry',
  'otlp-transformer',
  'build',
  'src',
  'generated',
  'root.js'
);

let requestType: ProtoMessageType | undefined;

/** True when the proto definitions are installed (`npm ci --prefix emitter/test/proto-definitions`). */
export function protoDefinitionsInstalled(): boolean {
  try {
    require.resolve(GENERATED);
    return true;
  } catch {
    return false;
  }
}

/** Decodes an OTLP/HTTP protobuf ExportLogsServiceRequest into the OTLP JSON shape. */
export function decodeLogsRequest(body: Uint8Array): OtlpLogsRequest {
  if (!requestType) {
    if (!protoDefinitionsInstalled()) {
      throw new Error(
        'install the test proto definitions first: npm ci --prefix emitter/test/proto-definitions'
      );
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const root = require(GENERATED) as {
      opentelemetry: {
        proto: { collector: { logs: { v1: { ExportLogsServiceRequest: ProtoMessageType } } } };
      };
    };
    requestType = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
  }
  const message = requestType.decode(body);
  return requestType.toObject(message, {
    longs: String,
    enums: Number,
    defaults: false,
    arrays: true,
  }) as OtlpLogsRequest;
}
