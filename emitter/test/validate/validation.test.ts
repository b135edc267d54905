import {
  createAuditEmitter,
  AuditValidationError,
  InMemoryAuditExporter,
  type AuditEmitterError,
} from '../../src';
import { accessEvent, activityEvent, integrationFailureEvent, webhookFailureEvent } from '../support/events';

type Case = [name: string, call: (a: ReturnType<typeof createAuditEmitter>) => void, field: string];

// Deliberately wrong inputs, typed loosely the way JavaScript callers could send them.
const loose = <T>(v: unknown): T => v as T;

const cases: Case[] = [
  ['activity without actor', (a) => a.activity(loose({ ...activityEvent(), actor: undefined })), 'actor'],
  [
    'activity actor without id',
    (a) => a.activity(loose({ ...activityEvent(), actor: { name: 'x' } })),
    'actor.id',
  ],
  [
    'activity bad email',
    (a) => a.activity(activityEvent({ actor: { id: '1', name: 'x', email: 'nope' } })),
    'actor.email',
  ],
  ['activity empty category', (a) => a.activity(activityEvent({ category: ' ' })), 'category'],
  ['activity unknown action', (a) => a.activity(loose({ ...activityEvent(), action: 'explode' })), 'action'],
  [
    'activity target without id',
    (a) => a.activity(loose({ ...activityEvent(), target: { type: 'sla' } })),
    'target.id',
  ],
  [
    'activity without summary',
    (a) => a.activity(loose({ ...activityEvent(), summary: undefined })),
    'summary',
  ],
  [
    'activity changes not an object',
    (a) => a.activity(loose({ ...activityEvent(), changes: 'x' })),
    'changes',
  ],
  ['activity bad ip', (a) => a.activity(activityEvent({ ip: '999.1.1.1' })), 'ip'],
  ['activity bad time', (a) => a.activity(loose({ ...activityEvent(), time: 'yesterday' })), 'time'],
  ['activity bad outcome', (a) => a.activity(loose({ ...activityEvent(), outcome: 'meh' })), 'outcome'],
  ['access without user', (a) => a.access(loose({ ...accessEvent(), user: undefined })), 'user'],
  ['access unknown action', (a) => a.access(loose({ ...accessEvent(), action: 'teleport' })), 'action'],
  ['access unknown portal', (a) => a.access(loose({ ...accessEvent(), portal: 'admin' })), 'portal'],
  [
    'access without login source',
    (a) => a.access(loose({ ...accessEvent(), loginSource: '' })),
    'loginSource',
  ],
  ['access without ip', (a) => a.access(loose({ ...accessEvent(), ip: undefined })), 'ip'],
  [
    'access user agent not a string',
    (a) => a.access(loose({ ...accessEvent(), userAgent: 42 })),
    'userAgent',
  ],
  [
    'access impersonator without name',
    (a) => a.access(loose({ ...accessEvent(), impersonator: { id: '1' } })),
    'impersonator.name',
  ],
  [
    'webhook without name',
    (a) => a.webhookFailure(loose({ ...webhookFailureEvent(), webhookName: undefined })),
    'webhookName',
  ],
  ['webhook bad url', (a) => a.webhookFailure(webhookFailureEvent({ url: 'not a url' })), 'url'],
  ['webhook bad status', (a) => a.webhookFailure(webhookFailureEvent({ statusCode: 42 })), 'statusCode'],
  [
    'webhook without error',
    (a) => a.webhookFailure(loose({ ...webhookFailureEvent(), error: undefined })),
    'error',
  ],
  ['webhook bad attempt', (a) => a.webhookFailure(webhookFailureEvent({ attempt: 0 })), 'attempt'],
  [
    'integration without type',
    (a) => a.integrationFailure(loose({ ...integrationFailureEvent(), integrationType: undefined })),
    'integrationType',
  ],
  [
    'integration without failure type',
    (a) => a.integrationFailure(loose({ ...integrationFailureEvent(), failureType: 3 })),
    'failureType',
  ],
  [
    'integration without details',
    (a) => a.integrationFailure(loose({ ...integrationFailureEvent(), details: '' })),
    'details',
  ],
  [
    'integration without name',
    (a) => a.integrationFailure(loose({ ...integrationFailureEvent(), integrationName: null })),
    'integrationName',
  ],
  ['access that is not an object', (a) => a.access(loose(null)), '(event)'],
  [
    'activity with a roles list of numbers',
    (a) => a.activity(loose({ ...activityEvent(), actor: { id: '1', name: 'x', roles: [1] } })),
    'actor.roles',
  ],
  ['activity with an invalid date', (a) => a.activity(activityEvent({ time: new Date('nope') })), 'time'],
  ['webhook relative url', (a) => a.webhookFailure(webhookFailureEvent({ url: '/hooks/in' })), 'url'],
];

describe('invalid input', () => {
  it.each(cases)('%s: reported with the field named, nothing sent', async (_name, call, field) => {
    const exporter = new InMemoryAuditExporter();
    const errors: AuditEmitterError[] = [];
    const audit = createAuditEmitter({ serviceName: 'helpdesk', exporter, onError: (e) => errors.push(e) });
    expect(() => call(audit)).not.toThrow();
    await audit.flush();
    expect(exporter.records()).toHaveLength(0);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.kind).toBe('invalid');
    expect(errors[0]!.issues?.map((i) => i.field)).toContain(field);
    expect(errors[0]!.message).toContain(field);
    expect(audit.stats()).toMatchObject({ rejected: 1, recorded: 0 });
    await audit.shutdown();
  });

  it('throws AuditValidationError with throwOnInvalid', async () => {
    const audit = createAuditEmitter({
      serviceName: 'helpdesk',
      exporter: new InMemoryAuditExporter(),
      throwOnInvalid: true,
    });
    expect(() => audit.access(loose({ ...accessEvent(), portal: 'admin' }))).toThrow(AuditValidationError);
    expect(() => audit.access(loose({ ...accessEvent(), portal: 'admin' }))).toThrow(/portal/);
    await audit.shutdown();
  });

  it('accepts a valid event of each type', async () => {
    const exporter = new InMemoryAuditExporter();
    const audit = createAuditEmitter({ serviceName: 'helpdesk', exporter, throwOnInvalid: true });
    audit.activity(activityEvent());
    audit.access(accessEvent({ ip: '2001:db8::1' }));
    audit.webhookFailure(webhookFailureEvent());
    audit.integrationFailure(integrationFailureEvent());
    await audit.flush();
    expect(exporter.records().map((r) => r.logType)).toEqual([
      'activity',
      'access',
      'webhook_failure',
      'integration_failure',
    ]);
    await audit.shutdown();
  });
});
