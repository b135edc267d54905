import { get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestSignal } from './request-signal';
import { SheddingLokiClient } from './shedding-loki-client';
import type { LogQueryParams, LokiClient } from '@auditlens/loki';
import { startHarness, SECRET, type Harness } from '../../test/support/harness';
import { waitFor } from '@auditlens/testkit';

describe('a client that goes away', () => {
  let h: Harness;
  let server: Server;
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.stop();
  });

  it('has its Loki query cancelled: the HTTP request to Loki is aborted, not left to time out', async () => {
    const calls: Array<{ params: LogQueryParams; outcome?: string }> = [];
    h = await startHarness({
      app: (lokiClient) => {
        const recording: LokiClient = {
          async queryLogs(params) {
            const call: { params: LogQueryParams; outcome?: string } = { params };
            calls.push(call);
            try {
              return await lokiClient.queryLogs(params);
            } catch (error) {
              call.outcome = (error as Error).message;
              throw error;
            }
          },
          queryMetrics: (p) => lokiClient.queryMetrics(p),
          queryInstant: (p) => lokiClient.queryInstant(p),
          ready: (s) => lokiClient.ready(s),
        };
        return { loki: new SheddingLokiClient(recording, { ambientSignal: requestSignal }) };
      },
    });
    h.loki.hangNext(1);
    server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    const req = httpGet(`http://127.0.0.1:${port}/api/v1/logs/access`, {
      headers: { 'X-AuditLens-Secret': SECRET, 'X-Grafana-User': 'jane' },
    });
    req.on('error', () => undefined);
    await waitFor(() => h.loki.hangingCount === 1, 'the query to reach Loki');
    req.destroy();
    await waitFor(() => calls[0]?.outcome !== undefined, 'the Loki request to end');
    expect(calls[0]!.params.signal!.aborted).toBe(true);
    // Aborted: "unreachable" (no answer came); a timeout would say "timed out" after 2 s.
    expect(calls[0]!.outcome).toBe('Loki is unreachable');
  });
});
