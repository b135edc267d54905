import { createAuditEmitter } from '../../src';
import { OtlpSink } from '../support/otlp-sink';
import { accessEvent } from '../support/events';

// The standard OpenTelemetry variables apply where the options are silent, as in the SDK
// (specification/protocol/exporter.md, specification/configuration/sdk-environment-variables.md).
const VARIABLES = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
] as const;

describe('OpenTelemetry environment variables', () => {
  const saved = new Map(VARIABLES.map((name) => [name, process.env[name]]));
  let sink: OtlpSink | undefined;

  afterEach(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sink?.stop();
    sink = undefined;
  });

  async function sendOne(options: Parameters<typeof createAuditEmitter>[0] = {}) {
    const audit = createAuditEmitter(options);
    audit.access(accessEvent());
    await audit.shutdown();
    return audit.stats();
  }

  it('OTEL_EXPORTER_OTLP_ENDPOINT is a base URL: /v1/logs is appended', async () => {
    sink = await OtlpSink.start('/otlp/v1/logs');
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = `${sink.endpoint}/otlp`;
    expect(await sendOne({ serviceName: 'helpdesk' })).toMatchObject({ exported: 1 });
    expect(sink.records()).toHaveLength(1);
  });

  it('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is used as it is, and wins over the general one', async () => {
    sink = await OtlpSink.start('/custom/logs');
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = 'http://127.0.0.1:1';
    process.env['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'] = `${sink.endpoint}/custom/logs`;
    expect(await sendOne({ serviceName: 'helpdesk' })).toMatchObject({ exported: 1 });
  });

  it('the endpoint option wins over both variables', async () => {
    sink = await OtlpSink.start();
    process.env['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'] = 'http://127.0.0.1:1/v1/logs';
    expect(await sendOne({ serviceName: 'helpdesk', endpoint: sink.endpoint })).toMatchObject({
      exported: 1,
    });
  });

  it('sends the headers of OTEL_EXPORTER_OTLP_HEADERS and _LOGS_HEADERS, the headers option over them', async () => {
    sink = await OtlpSink.start();
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = sink.endpoint;
    process.env['OTEL_EXPORTER_OTLP_HEADERS'] = 'Authorization=Bearer%20general,X-Scope-OrgID=from-env';
    process.env['OTEL_EXPORTER_OTLP_LOGS_HEADERS'] = 'Authorization=Bearer%20logs';
    await sendOne({ serviceName: 'helpdesk', headers: { 'X-Scope-OrgID': 'from-option' } });
    expect(sink.headers[0]).toMatchObject({ authorization: 'Bearer logs', 'x-scope-orgid': 'from-option' });
  });

  it('takes http/json or http/protobuf from OTEL_EXPORTER_OTLP_[LOGS_]PROTOCOL, the option over them', async () => {
    sink = await OtlpSink.start();
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = sink.endpoint;
    process.env['OTEL_EXPORTER_OTLP_PROTOCOL'] = 'grpc';
    process.env['OTEL_EXPORTER_OTLP_LOGS_PROTOCOL'] = 'http/json';
    await sendOne({ serviceName: 'helpdesk' });
    process.env['OTEL_EXPORTER_OTLP_LOGS_PROTOCOL'] = 'http/protobuf';
    await sendOne({ serviceName: 'helpdesk' });
    await sendOne({ serviceName: 'helpdesk', protocol: 'json' });
    delete process.env['OTEL_EXPORTER_OTLP_LOGS_PROTOCOL'];
    delete process.env['OTEL_EXPORTER_OTLP_PROTOCOL'];
    await sendOne({ serviceName: 'helpdesk' });
    // Each emitter sends its event, then at shutdown its chain's final checkpoint, with the same encoding.
    expect(sink.headers.map((h) => h['content-type'])).toEqual(
      ['application/json', 'application/x-protobuf', 'application/json', 'application/x-protobuf'].flatMap(
        (type) => [type, type]
      )
    );
  });

  it('refuses grpc or an unknown protocol at creation, naming the variable', () => {
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = 'http://127.0.0.1:4317';
    process.env['OTEL_EXPORTER_OTLP_PROTOCOL'] = 'grpc';
    expect(() => createAuditEmitter({ serviceName: 'helpdesk' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL=grpc/);
    process.env['OTEL_EXPORTER_OTLP_LOGS_PROTOCOL'] = 'http/xml';
    expect(() => createAuditEmitter({ serviceName: 'helpdesk' })).toThrow(
      /OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=http\/xml/
    );
  });

  it('names the service from OTEL_SERVICE_NAME over OTEL_RESOURCE_ATTRIBUTES, the options over both', async () => {
    sink = await OtlpSink.start();
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = sink.endpoint;
    process.env['OTEL_RESOURCE_ATTRIBUTES'] =
      'service.name=from-attributes,deployment.environment.name=staging,team=help%20desk,audit.log_type=bogus';
    await sendOne();
    process.env['OTEL_SERVICE_NAME'] = 'from-service-name';
    await sendOne();
    await sendOne({ serviceName: 'from-option', resource: { team: 'from-option' } });
    const resources = sink.records().map((r) => r.resource);
    expect(resources.map((r) => r['service.name'])).toEqual([
      'from-attributes',
      'from-service-name',
      'from-option',
    ]);
    expect(resources[0]).toMatchObject({ 'deployment.environment.name': 'staging', team: 'help desk' });
    expect(resources[2]).toMatchObject({ 'deployment.environment.name': 'staging', team: 'from-option' });
    // The log type is the emitter's to set, whatever the environment says.
    for (const r of resources) expect(r['audit.log_type']).toBe('access');
  });

  it('still requires a service name and an endpoint from somewhere', () => {
    expect(() => createAuditEmitter({ endpoint: 'http://127.0.0.1:1' })).toThrow(/OTEL_SERVICE_NAME/);
    expect(() => createAuditEmitter({ serviceName: 'helpdesk' })).toThrow(/OTEL_EXPORTER_OTLP_LOGS_ENDPOINT/);
  });

  it('gives up on a hanging endpoint after OTEL_EXPORTER_OTLP_TIMEOUT', async () => {
    sink = await OtlpSink.start();
    sink.mode = 'hang';
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = sink.endpoint;
    // Far below the 10 s default, which would outlast this test's 5 s limit.
    process.env['OTEL_EXPORTER_OTLP_TIMEOUT'] = '300';
    expect(await sendOne({ serviceName: 'helpdesk' })).toMatchObject({ exported: 0, failed: 1 });
  });
});
