/**
 * Fault: the mail server is down when the export's file is ready, and comes back later (a real SMTP server,
 * `smtp-server`, stopped and started again on its port). The export waits for it with the file kept and
 * downloadable, shows why without naming the mail server, and is mailed exactly once when it is back.
 */
import type { GrafanaDouble } from '@auditlens/testkit';
import { SmtpInbox } from '@auditlens/testkit';
import { JANE, startTestGrafana } from '../support/grafana';
import { serviceEnv } from '../support/service-env';
import { LokiDouble } from '@auditlens/loki/double';
import { accessEvents, pushAccessEvents, type AccessEvent } from '../support/audit-events';
import { eventIdsOf, ServiceClient } from '../support/service-client';
import { ServiceProcess } from '../support/service-process';

const EVENTS = 2000;
const RUN = `smtp-down-${Date.now()}`;

describe('the mail server down when the file is ready', () => {
  let loki: LokiDouble;
  let grafana: GrafanaDouble;
  let inbox: SmtpInbox;
  let service: ServiceProcess | undefined;
  let events: AccessEvent[];
  const now = Date.now();

  beforeAll(async () => {
    // Loki is not the subject here: the double serves the events.
    loki = await LokiDouble.start();
    events = accessEvents(EVENTS, now - 30 * 60_000, now - 60_000, ['bob', 'omar']);
    await pushAccessEvents(loki.url, RUN, events);
    grafana = await startTestGrafana([JANE]);
    inbox = await SmtpInbox.start();
  }, 60_000);

  afterAll(async () => {
    await service?.dispose();
    await inbox?.stop();
    await grafana?.stop();
    await loki?.stop();
  });

  it('waits for it with the file kept, then mails the export once', async () => {
    const port = inbox.port;
    service = await ServiceProcess.start({
      ...serviceEnv({ lokiUrl: loki.url, run: RUN, grafana, inbox }),
      MAIL_RETRY_FIRST_SECONDS: '1',
    });
    const api = new ServiceClient(service.url);
    await inbox.stop();

    const job = await api.createExport('jane', {
      from: new Date(now - 40 * 60_000).toISOString(),
      to: new Date(now).toISOString(),
      format: 'csv',
    });
    const waiting = await api.waitForJob(
      'jane',
      job.id,
      (j) => j.status !== 'queued' && j.status !== 'running' && j.status !== 'sending'
    );
    expect(waiting).toMatchObject({ status: 'waiting_for_mail', downloadable: true, rows: EVENTS });
    expect(waiting.error).toMatch(
      /^waiting for the mail server: it did not take the mail; trying again until/
    );
    // Nothing about where the mail server is, or what the socket said.
    expect(waiting.error).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}\b/);
    const file = await fetch(`${service.url}/api/v1/exports/${job.id}/file`, {
      headers: ServiceClient.headers('jane'),
    });
    expect(file.status).toBe(200);
    expect((await file.text()).split('\r\n').filter((l) => l !== '')).toHaveLength(1 + EVENTS);
    // A further attempt fails too, and the export keeps waiting.
    await api.waitForJob('jane', job.id, (j) => j.nextAttemptAt !== waiting.nextAttemptAt);
    expect((await api.job('jane', job.id)).status).toMatch(/^(waiting_for_mail|sending)$/);

    inbox = await SmtpInbox.start(port);
    const done = await api.waitForJob('jane', job.id, (j) => j.status === 'done' || j.status === 'failed');
    expect(done).toMatchObject({ status: 'done', error: null, downloadable: true });
    expect(inbox.messages).toHaveLength(1);
    expect(inbox.recipients).toEqual([['jane@acme.test']]);
    expect(inbox.messages[0]!.attachments[0]!.filename).toMatch(/\.csv\.zip$/);
    const ids = await eventIdsOf(inbox.messages[0]!);
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));
  }, 180_000);
});
