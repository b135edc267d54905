import { kv, type OtlpLogsRequest } from './otlp-sink';

// Resource attributes Loki 3.x indexes by default (its `default_resource_attributes_as_index_labels`),
// plus the one AuditLens's Loki config adds (`otlp_config` in shared/fixtures/loki/loki-limits-excerpt.yaml).
const DEFAULT_INDEX_ATTRIBUTES = new Set([
  'service.name',
  'service.namespace',
  'service.instance.id',
  'deployment.environment',
  'deployment.environment.name',
  'cloud.region',
  'cloud.availability_zone',
  'k8s.cluster.name',
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.container.name',
  'container.name',
  'k8s.replicaset.name',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.cronjob.name',
  'k8s.job.name',
]);
const CONFIGURED_INDEX_ATTRIBUTES = new Set(['audit.log_type']);

const lokiName = (attribute: string): string => attribute.replace(/[^A-Za-z0-9_]/g, '_');

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
      if (DEFAULT_INDEX_ATTRIBUTES.has(k) || CONFIGURED_INDEX_ATTRIBUTES.has(k))
        labels[lokiName(k)] = String(v);
      else resourceMetadata[lokiName(k)] = String(v);
    }
    for (const sl of rl.scopeLogs) {
      for (const r of sl.logRecords) {
        const metadata: Record<string, string> = { ...resourceMetadata };
        for (const [k, v] of Object.entries(kv(r.attributes))) {
          const name = lokiName(k);
          metadata[name in labels ? `${name}_extracted` : name] = String(v);
        }
        out.push({ labels, metadata, line: r.body?.stringValue ?? '' });
      }
    }
  }
  return out;
}
