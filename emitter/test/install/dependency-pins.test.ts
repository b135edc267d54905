import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
}

const manifest = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as PackageJson;
const emitter = manifest(join(__dirname, '..', '..', 'package.json'));

/** The package.json of the copy of `name` the emitter resolves (their `exports` do not expose it). */
function installed(name: string): PackageJson {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && manifest(file).name === name) return manifest(file);
  }
  throw new Error(`no package.json found for ${name}`);
}

// The OTLP exporters pin the SDK packages to exact versions. A caret range beside them lets npm pick a newer
// SDK for the emitter and keep the pinned one for the exporter: two copies in a user's tree (the packed
// install test checks the same against the registry).
describe("the emitter's OpenTelemetry dependencies", () => {
  it('name exactly the versions the OTLP exporters and their helpers pin', () => {
    const pins = new Map<string, string>();
    for (const helper of [
      '@opentelemetry/exporter-logs-otlp-http',
      '@opentelemetry/exporter-logs-otlp-proto',
      '@opentelemetry/otlp-exporter-base',
      '@opentelemetry/otlp-transformer',
    ]) {
      for (const [name, version] of Object.entries(installed(helper).dependencies ?? {})) {
        if (/^\d/.test(version)) pins.set(name, version);
      }
    }
    const ours = Object.entries(emitter.dependencies ?? {}).filter(([name]) => pins.has(name));
    // The exporter base and transformer build the emitter's protobuf exporter (export/OtlpProtobufLogExporter.ts).
    expect(ours.map(([name]) => name).sort()).toEqual([
      '@opentelemetry/core',
      '@opentelemetry/otlp-exporter-base',
      '@opentelemetry/otlp-transformer',
      '@opentelemetry/resources',
      '@opentelemetry/sdk-logs',
    ]);
    for (const [name, version] of ours) expect([name, version]).toEqual([name, pins.get(name)]);
  });
});
