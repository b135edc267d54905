import type { AnyValue, Attributes } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { Resource } from '@opentelemetry/resources';

// Upper bounds, in bytes, of what a log record weighs in three places at once:
// - an OTLP/HTTP JSON request (the OTLP JSON encoding of opentelemetry-proto, as the JSON exporter writes it);
// - an OTLP/HTTP protobuf request, which is smaller than the JSON one field by field (a string costs a tag
//   and a length instead of quotes and a field name, numbers are varints);
// - what Loki counts against `ingestion_burst_size_mb` and ships to its ingester over gRPC: each entry's line
//   plus its structured metadata, where every resource attribute that is not an index label and the scope's
//   name and version are repeated on every entry (distributor.go, `util.EntryTotalSize`).
// So the resource and scope are counted on every record, not once per request.

/** The JSON envelope of one request: `{"resourceLogs":[...]}`. */
export const REQUEST_OVERHEAD_BYTES = 256;
// Per record: timeUnixNano and observedTimeUnixNano (19-digit strings with their names), severityNumber,
// droppedAttributesCount, flags, traceId and spanId in hex, the brackets and field names around them, a share
// of its ResourceLogs/ScopeLogs envelope, and the entries Loki adds to structured metadata
// (observed_timestamp, severity_number, severity_text, detected_level, scope_name, scope_version, trace_id,
// span_id: about 250 bytes of names and values).
const RECORD_OVERHEAD_BYTES = 640;
// Per attribute: `{"key":"","value":{"stringValue":""}},` is 38 bytes; protobuf needs at most 10 for the same
// tags and lengths, and Loki counts only the name and the value.
const ATTRIBUTE_OVERHEAD_BYTES = 48;
// A number written as JSON (`-9007199254740991`, `1.7976931348623157e+308`) with its `"intValue":` or
// `"doubleValue":` name; a protobuf varint or double is at most 10 bytes.
const NUMBER_BYTES = 40;
const BOOLEAN_BYTES = 24;
// Printable ASCII except `"` and `\`: characters that JSON writes as they are, one byte each.
const NEEDS_ESCAPING_OR_UTF8 = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
// Up to this length a string is bounded by its worst case without being read: a UTF-16 unit becomes at most
// 6 bytes of JSON (`\u001f`, or a lone surrogate as `\ud800`; a pair is 12 for 4 UTF-8 bytes). Reading every
// short key and value cost more than the protobuf encoding of the record itself; for the few long strings
// (a summary, `changes`) the exact size keeps large records from being over-counted.
const SHORT_STRING = 64;

/**
 * Upper bound of the bytes `record` adds to an OTLP/HTTP request (JSON or protobuf) and to Loki's count of a
 * push (line plus structured metadata, including the resource and scope attributes Loki copies onto it).
 */
export function recordSizeUpperBound(record: ReadableLogRecord, resourceSize: ResourceSizes): number {
  const scope = record.instrumentationScope;
  return (
    RECORD_OVERHEAD_BYTES +
    resourceSize.of(record.resource) +
    stringBytes(scope.name) +
    optionalStringBytes(scope.version) +
    optionalStringBytes(scope.schemaUrl) +
    optionalStringBytes(record.severityText) +
    optionalStringBytes(record.eventName) +
    (record.body === undefined ? 0 : valueBytes(record.body, 0)) +
    attributesBytes(record.attributes, 0)
  );
}

/** Remembers the size bound of each resource: a batch's records share a handful of resources. */
export class ResourceSizes {
  private readonly sizes = new WeakMap<Resource, number>();

  /** Upper bound of the bytes of `resource`'s attributes and schema URL. */
  of(resource: Resource): number {
    let size = this.sizes.get(resource);
    if (size === undefined) {
      size = attributesBytes(resource.attributes, 0) + optionalStringBytes(resource.schemaUrl);
      this.sizes.set(resource, size);
    }
    return size;
  }
}

/** Bytes of `s` as a JSON string, quotes included (at least its UTF-8 length, which protobuf and Loki count), or more. */
function stringBytes(s: string): number {
  if (s.length <= SHORT_STRING) return 6 * s.length + 2;
  return NEEDS_ESCAPING_OR_UTF8.test(s) ? Buffer.byteLength(JSON.stringify(s), 'utf8') : s.length + 2;
}

function optionalStringBytes(s: string | undefined): number {
  return s === undefined ? 0 : stringBytes(s);
}

// `prefix` is the length of the enclosing keys: Loki flattens a nested map into `parent_child` names.
function attributesBytes(
  attributes: Attributes | Readonly<Record<string, AnyValue>>,
  prefix: number
): number {
  let total = 0;
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined) continue;
    const keyBytes = prefix + stringBytes(key);
    total += ATTRIBUTE_OVERHEAD_BYTES + keyBytes + valueBytes(value, keyBytes);
  }
  return total;
}

function valueBytes(value: AnyValue, prefix: number): number {
  switch (typeof value) {
    case 'string':
      return stringBytes(value);
    case 'number':
    case 'bigint':
      return NUMBER_BYTES;
    case 'boolean':
      return BOOLEAN_BYTES;
    case 'object': {
      if (value === null) return 0;
      if (value instanceof Uint8Array) return Math.ceil(value.byteLength / 3) * 4 + 32;
      if (Array.isArray(value)) {
        let total = 32;
        for (const item of value as AnyValue[]) total += 8 + valueBytes(item, prefix);
        return total;
      }
      return 32 + attributesBytes(value as Readonly<Record<string, AnyValue>>, prefix);
    }
    default:
      return 0;
  }
}
