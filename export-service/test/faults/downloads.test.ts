/**
 * Faults on the download route of the real service process: a finished export whose file vanished (the
 * process used to exit on the unhandled stream error), and downloads the client aborts (each used to leave
 * its file open).
 */
import { get as httpGet } from 'node:http';
import { readdir, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { GrafanaDouble } from '@auditlens/testkit';
import { SmtpInbox, waitFor } from '@auditlens/testkit';
import { JANE, startTestGrafana } from '../support/grafana';
import { serviceEnv } from '../support/service-env';
import { LokiDouble } from '@auditlens/loki/double';
import { accessEvents, pushAccessEvents } from '../support/audit-events';
import { ServiceClient } from '../support/service-client';
import { ServiceProcess } from '../support/service-process';

const RUN = `downloads-${Date.now()}`;

/** Descriptors process `pid` holds open on `path`. */
async function openHandlesOn(pid: number, path: string): Promise<number> {
  let n = 0;
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === path) n++;
  }
  return n;
}

describe('downloads of the service process', () => {
  let loki: LokiDouble;
  let grafana: GrafanaDouble;
  let inbox: SmtpInbox;
  let service: ServiceProcess;
  let api: ServiceClient;
  const now = Date.now();

  beforeAll(async () => {
    loki = await LokiDouble.start();
    await pushAccessEvents(loki.url, RUN, accessEvents(20_000, now - 30 * 60_000, now - 60_000, ['bob']));
    grafana = await startTestGrafana([JANE]);
    inbox = await SmtpInbox.start();
    service = await ServiceProcess.start({
      ...serviceEnv({ lokiUrl: loki.url, run: RUN, grafana, inbox }),
    });
    api = new ServiceClient(service.url);
  }, 120_000);

  afterAll(async () => {
    await service?.dispose();
    await inbox?.stop();
    await grafana?.stop();
    await loki?.stop();
  });

  async function finishedExport(): Promise<{ id: string; path: string }> {
    const job = await api.createExport('jane', {
      from: new Date(now - 40 * 60_000).toISOString(),
      to: new Date(now).toISOString(),
      format: 'csv',
    });
    await api.waitForJob('jane', job.id, (j) => j.status === 'done');
    return { id: job.id, path: join(service.dataDir, 'files', `${job.id}.csv`) };
  }

  it('answers 410 JSON for a finished export whose file vanished, and keeps running', async () => {
    const pid = service.pid;
    const { id, path } = await finishedExport();
    await rm(path);
    const res = await fetch(`${service.url}/api/v1/exports/${id}/file`, {
      headers: ServiceClient.headers('jane'),
    });
    expect(res.status).toBe(410);
    expect(await res.json()).toEqual({ error: 'the export file is no longer there; export again' });
    expect((await api.job('jane', id)).downloadable).toBe(false);
    expect(service.running).toBe(true);
    expect(service.pid).toBe(pid);
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  }, 120_000);

  it('closes the file of each of 20 aborted downloads', async () => {
    const { id, path } = await finishedExport();
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = httpGet(
          `${service.url}/api/v1/exports/${id}/file`,
          { headers: ServiceClient.headers('jane') },
          (res) => {
            if (res.statusCode !== 200) reject(new Error(`download answered ${res.statusCode}`));
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          }
        );
        req.on('error', (error) => (req.destroyed ? resolve() : reject(error)));
      });
    }
    await waitFor(
      async () => (await openHandlesOn(service.pid, path)) === 0,
      'the service to close the aborted downloads'
    );
    const whole = await fetch(`${service.url}/api/v1/exports/${id}/file`, {
      headers: ServiceClient.headers('jane'),
    });
    expect(whole.status).toBe(200);
    expect((await whole.text()).split('\r\n').filter((l) => l !== '')).toHaveLength(1 + 20_000);
    expect(await openHandlesOn(service.pid, path)).toBe(0);
  }, 120_000);
});
