import type { ActivityEvent } from '@auditlens/emitter';

/** Where the service records its own audit events (an `@auditlens/emitter` in production). */
export interface AuditRecorder {
  activity(event: ActivityEvent): void;
}
