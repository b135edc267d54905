/**
 * The service process serves Prometheus metrics on METRICS_PORT only, bound to METRICS_HOST (the loopback
 * interface by default), and nothing of them on the API port that Grafana's proxy and everyone in its network
 * reach.
 */
import { readFile } from 'node:fs/promises';
import type { GrafanaDouble } from '@auditlens/testkit';
import { freePort, SmtpInbox } from '@auditlens/testkit';
import { JANE, startTestGrafana } from '../support/grafana';
import { serviceEnv } from '../support/service-env';
import { LokiDouble } from '@auditlens/loki/double';
import { ServiceProcess } from '../support/service-process';

/** The local addresses (`a.b.c.d`) on which process `pid` listens on TCP `port` (from /proc/<pid>/net/tcp). */
async function listeningAddresses(pid: number, port: number): Promise<string[]> {
  const table = await readFile(`/proc/${pid}/net/tcp`, 'utf8');
  const found: string[] = [];
  for (const line of table.trim().split('\n').slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/);
    const [ipHex, portHex] = local!.split(':') as [string, string];
    // 0A: TCP_LISTEN. The address is little-endian hex.
    if (state !== '0A' || parseInt(portHex, 16) !== port) continue;
    found.push(
      ipHex
        .match(/../g)!
        .reverse()
        .map((b) => parseInt(b, 16))
        .join('.')
    );
  }
  return found;
}

describe('metrics of the service process', () => {
  let loki: LokiDouble;
  let grafana: GrafanaDouble;
  let inbox: SmtpInbox;
  let service: ServiceProcess | undefined;
  beforeAll(async () => {
    loki = await LokiDouble.start();
    grafana = await startTestGrafana([JANE]);
    inbox = await SmtpInbox.start();
  });
  afterEach(async () => {
    await service?.dispose();
    service = undefined;
  });
  afterAll(async () => {
    await inbox.stop();
    await grafana.stop();
    await loki.stop();
  });

  it('answers /metrics on METRICS_PORT, on the loopback interface, and not on the API port', async () => {
    const metricsPort = await freePort();
    service = await ServiceProcess.start({
      ...serviceEnv({ lokiUrl: loki.url, run: 'metrics-port', grafana, inbox }),
      METRICS_PORT: String(metricsPort),
    });
    const onApi = await fetch(`${service.url}/metrics`);
    expect(onApi.status).toBe(404);
    expect(await onApi.json()).toEqual({ error: 'no such route' });
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^auditlens_export_jobs\{state="queued"\} 0$/m);
    expect(await listeningAddresses(service.pid, metricsPort)).toEqual(['127.0.0.1']);
  }, 120_000);

  it('answers no /metrics anywhere without METRICS_PORT', async () => {
    service = await ServiceProcess.start({
      ...serviceEnv({ lokiUrl: loki.url, run: 'metrics-port', grafana, inbox }),
    });
    expect((await fetch(`${service.url}/metrics`)).status).toBe(404);
  }, 120_000);
});
