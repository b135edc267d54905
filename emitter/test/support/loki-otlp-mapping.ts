import {
  AUDITLENS_INDEXED_RESOURCE_ATTRIBUTES,
  LOKI_DEFAULT_INDEXED_RESOURCE_ATTRIBUTES,
  lokiFieldName,
} from '@auditlens/contract';
import { kv, type OtlpLogsRequest } from './otlp-sink';

const INDEXED = new Set([
  ...LOKI_DEFAULT_INDEXED_RESOURCE_ATTRIBUTES,
  ...AUDITLENS_INDEXED_RESOURCE_ATTRIBUTES,
]);

/** One entry as Loki would store it: index labels and structured metadata. */
export interface LokiView {
  readonly labels: Record<string, string>;
  readonly metadata: Record<string, string>;
  readonly line: string;
}

/**
 * Maps an OTLP request the way Loki 3.7's OTLP endpoint does (documented behaviour, and what the recorded
 * fixtures show): indexed resource attributes become labels, every other resource and record attribute becomes
 * structured metadata, dots become underscores, and a record attribute named like a label gets `_extracted`.
 * A stand-in for a real Loki, which cannot run here.
 */
export function mapLikeLoki(request: OtlpLogsRequest): LokiView[] {
  const out: LokiView[] = [];
  for (const rl of request.resourceLogs) {
    const labels: Record<string, string> = {};
    const resourceMetadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(kv(rl.resource.attributes))) {
      if (INDEXED.has(k)) labels[lokiFieldName(k)] = String(v);
      else resourceMetadata[lokiFieldName(k)] = String(v);
    }
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        const metadata: Record<string, string> = { ...resourceMetadata };
        for (const [k, v] of Object.entries(kv(r.attributes))) {
          const name = lokiFieldName(k);
          metadata[name in labels ? `${name}_extracted` : name] = String(v);
        }
        out.push({ labels, metadata, line: r.body?.stringValue ?? '' });
      }
    }
  }
  return out;
}
