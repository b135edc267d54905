import {
  CHECKPOINT_LOG_TYPE,
  INDEX_LABELS,
  INTEGRITY_FIELDS,
  STRUCTURED_METADATA_FIELDS,
} from '@auditlens/contract';
import { createAuditEmitter } from '../../src';
import { OtlpSink } from '../support/otlp-sink';
import { mapLikeLoki } from '../support/loki-otlp-mapping';
import { accessEvent, activityEvent, integrationFailureEvent, webhookFailureEvent } from '../support/events';

describe('what Loki makes of the emitter output', () => {
  it('indexes exactly service_name and audit_log_type; everything else is known structured metadata', async () => {
    const sink = await OtlpSink.start();
    // Pointed straight at a Loki-like endpoint: no collector to move attributes around.
    const audit = createAuditEmitter({ serviceName: 'helpdesk', endpoint: sink.endpoint });
    audit.activity(activityEvent());
    audit.access(
      accessEvent({
        action: 'impersonation_start',
        impersonator: { id: '9', name: 'root' },
        sessionId: 's-1',
      })
    );
    audit.access(accessEvent({ action: 'login_failed', reason: 'locked' }));
    audit.webhookFailure(webhookFailureEvent());
    audit.integrationFailure(integrationFailureEvent());
    await audit.shutdown();
    await sink.stop();

    const all = sink.requests.flatMap(mapLikeLoki);
    const entries = all.filter((e) => e.labels['audit_log_type'] !== CHECKPOINT_LOG_TYPE);
    expect(entries).toHaveLength(5);
    const chainFields = [
      INTEGRITY_FIELDS.chainId,
      INTEGRITY_FIELDS.seq,
      INTEGRITY_FIELDS.prev,
      INTEGRITY_FIELDS.hash,
    ];
    const sdkResourceFields = ['telemetry_sdk_language', 'telemetry_sdk_name', 'telemetry_sdk_version'];
    for (const e of entries) {
      expect(Object.keys(e.labels).sort()).toEqual([...INDEX_LABELS].sort());
      expect(e.labels['service_name']).toBe('helpdesk');
      for (const field of Object.keys(e.metadata)) {
        expect([...STRUCTURED_METADATA_FIELDS, ...chainFields, ...sdkResourceFields]).toContain(field);
      }
      for (const field of chainFields) expect(e.metadata[field]).toBeDefined();
      expect(Object.keys(e.metadata).some((k) => k.endsWith('_extracted'))).toBe(false);
    }
    expect(entries.map((e) => e.labels['audit_log_type']).sort()).toEqual([
      'access',
      'access',
      'activity',
      'integration_failure',
      'webhook_failure',
    ]);
    // One final checkpoint per chain, in a stream of its own: same two index labels, no log type of the app.
    const checkpoints = all.filter((e) => e.labels['audit_log_type'] === CHECKPOINT_LOG_TYPE);
    expect(checkpoints.map((c) => c.metadata[INTEGRITY_FIELDS.checkpointLogType]).sort()).toEqual([
      'access',
      'activity',
      'integration_failure',
      'webhook_failure',
    ]);
    for (const c of checkpoints) {
      expect(Object.keys(c.labels).sort()).toEqual([...INDEX_LABELS].sort());
      expect(c.metadata[INTEGRITY_FIELDS.checkpointFinal]).toBe('true');
    }
    const failed = entries.find((e) => e.metadata['audit_action'] === 'login_failed')!;
    expect(failed.metadata).toMatchObject({
      user_name: 'bob',
      client_address: '198.51.100.9',
      audit_outcome: 'failure',
    });
  });
});
