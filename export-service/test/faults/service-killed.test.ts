/**
 * Fault: the service is killed (SIGKILL) in the middle of an export and started again on the same data.
 * The export must end with one mail holding every event exactly once, and no partial file left behind.
 * Runs against the real Loki when LOKI_BIN or LOKI_URL is set, else against the Loki double.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { lokiForTests, type LokiTarget, SmtpInbox } from '@auditlens/testkit';
import type { GrafanaDouble } from '@auditlens/testkit';
import { JANE, startTestGrafana } from '../support/grafana';
import { serviceEnv } from '../support/service-env';
import { LokiDouble } from '@auditlens/loki/double';
import {
  accessEvents,
  pushAccessEvents,
  waitUntilQueryable,
  type AccessEvent,
} from '../support/audit-events';
import { eventIdsOf, ServiceClient } from '../support/service-client';
import { ServiceProcess } from '../support/service-process';

const EVENTS = 20_000;
const RUN = `killed-${Date.now()}`;

describe('the service killed mid-export', () => {
  let target: LokiTarget;
  let lokiDouble: LokiDouble | undefined;
  let lokiUrl: string;
  let grafana: GrafanaDouble;
  let inbox: SmtpInbox;
  let service: ServiceProcess | undefined;
  let events: AccessEvent[];
  const now = Date.now();

  beforeAll(async () => {
    target = await lokiForTests('export-service fault test: service killed mid-export');
    if (target.kind === 'real') lokiUrl = target.url;
    else {
      lokiDouble = await LokiDouble.start();
      lokiUrl = lokiDouble.url;
    }
    events = accessEvents(EVENTS, now - 30 * 60_000, now - 60_000, ['bob', 'omar', 'li']);
    await pushAccessEvents(lokiUrl, RUN, events);
    if (target.kind === 'real') await waitUntilQueryable(lokiUrl, RUN, now - 30 * 60_000, now, EVENTS);
    grafana = await startTestGrafana([JANE]);
    inbox = await SmtpInbox.start();
  }, 180_000);

  afterAll(async () => {
    await service?.dispose();
    await inbox?.stop();
    await grafana?.stop();
    await lokiDouble?.stop();
    await target?.release();
  });

  it('ends with one mail holding every event exactly once', async () => {
    service = await ServiceProcess.start({
      ...serviceEnv({ lokiUrl: lokiUrl, run: RUN, grafana, inbox }),
      LOKI_MAX_ENTRIES: '500',
      ZIP_OVER_BYTES: String(1024 ** 3),
      ATTACHMENT_MAX_BYTES: String(1024 ** 3),
    });
    const api = new ServiceClient(service.url);
    const job = await api.createExport('jane', {
      from: new Date(now - 40 * 60_000).toISOString(),
      to: new Date(now).toISOString(),
      format: 'csv',
    });
    // Killed while it writes: some rows are in the partial file, the mail is not sent.
    const midway = await api.waitForJob(
      'jane',
      job.id,
      (j) => j.status === 'running' && j.rows > 0,
      120_000,
      10
    );
    await service.kill();
    expect(midway.rows).toBeLessThan(EVENTS);
    expect(inbox.messages).toHaveLength(0);
    expect((await readdir(join(service.dataDir, 'files'))).some((f) => f.endsWith('.part'))).toBe(true);

    await service.restart();
    const done = await new ServiceClient(service.url).waitForJob(
      'jane',
      job.id,
      (j) => j.status === 'done' || j.status === 'failed'
    );
    expect(done).toMatchObject({ status: 'done', rows: EVENTS, error: null });
    expect(inbox.messages).toHaveLength(1);
    const ids = await eventIdsOf(inbox.messages[0]!);
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids).size).toBe(EVENTS);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));
    // No staged file is left: the file and its signed manifest are what is left of the job.
    expect((await readdir(join(service.dataDir, 'files'))).sort()).toEqual([
      `${job.id}.csv`,
      `${job.id}.manifest.json`,
    ]);
  }, 300_000);
});
