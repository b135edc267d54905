import { getNumberFromEnv, getStringFromEnv } from '@opentelemetry/core';
import {
  detectResources,
  resourceAttributesEnvDetector,
  serviceNameEnvDetector,
  type Resource,
} from '@opentelemetry/resources';

// The standard OpenTelemetry environment variables, for the settings the emitter's options leave open.
// Names, precedence (signal-specific over general) and parsing follow the OpenTelemetry specification
// (`specification/protocol/exporter.md`, `specification/configuration/sdk-environment-variables.md`) and the
// JS SDK, whose own code reads most of them:
// - `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` (used as is) and `OTEL_EXPORTER_OTLP_ENDPOINT` (with `/v1/logs`
//   appended), `OTEL_EXPORTER_OTLP_[LOGS_]HEADERS`, `_COMPRESSION` and the TLS files are read by the OTLP
//   exporter itself (`@opentelemetry/otlp-exporter-base`, `otlp-node-http-env-configuration`) when it is given
//   no URL; the emitter only needs to know whether an endpoint is set.
// - `OTEL_EXPORTER_OTLP_[LOGS_]PROTOCOL` and `_TIMEOUT` choose the exporter and its time budget, which the
//   emitter decides, so they are read here.
// - `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` are read by the SDK's own resource detectors.
// All of them come from `process.env`, as in the SDK; an empty value counts as unset.

/** The OTLP/HTTP encodings the emitter can send. */
export type OtlpHttpEncoding = 'json' | 'protobuf';

/** True when `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set. */
export function otlpEndpointFromEnvIsSet(): boolean {
  return (
    getStringFromEnv('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT') !== undefined ||
    getStringFromEnv('OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined
  );
}

/**
 * `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf` or `http/json`.
 * Throws a TypeError for `grpc` or an unknown value: an exporter that cannot speak the configured protocol
 * would lose every event, so the service is told at start.
 */
export function otlpProtocolFromEnv(): OtlpHttpEncoding | undefined {
  for (const name of ['OTEL_EXPORTER_OTLP_LOGS_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const value = getStringFromEnv(name)?.trim();
    if (value === undefined) continue;
    if (value === 'http/protobuf') return 'protobuf';
    if (value === 'http/json') return 'json';
    throw new TypeError(
      `createAuditEmitter: ${name}=${value} is not supported; the emitter sends OTLP over HTTP ` +
        `(http/protobuf or http/json). Set OTEL_EXPORTER_OTLP_LOGS_PROTOCOL or the protocol option.`
    );
  }
  return undefined;
}

/** `OTEL_EXPORTER_OTLP_LOGS_TIMEOUT`, else `OTEL_EXPORTER_OTLP_TIMEOUT`, in ms; invalid values are ignored, as by the SDK. */
export function otlpTimeoutFromEnv(): number | undefined {
  for (const name of ['OTEL_EXPORTER_OTLP_LOGS_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT']) {
    const value = getNumberFromEnv(name);
    if (value !== undefined && Number.isFinite(value) && value > 0) return value;
  }
  return undefined;
}

/** `OTEL_RESOURCE_ATTRIBUTES`, with `OTEL_SERVICE_NAME` over its `service.name` (a later detector wins). */
export function resourceFromEnv(): Resource {
  return detectResources({ detectors: [resourceAttributesEnvDetector, serviceNameEnvDetector] });
}
