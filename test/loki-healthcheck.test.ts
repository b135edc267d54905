import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { announce, startLoki, type LokiServer } from '@auditlens/testkit';
import { readYaml } from './repo-files';

const run = promisify(execFile);
const binary = process.env['LOKI_BIN'];
const healthcheck = readYaml<{ services: { loki: { healthcheck: { test: string[] } } } }>(
  'docker-compose.yml'
).services.loki.healthcheck.test;
if (!binary) announce('loki-healthcheck: skipped (needs LOKI_BIN)');

(binary ? describe : describe.skip)(
  "docker-compose.yml's Loki healthcheck, run with the real Loki 3.7.6 binary",
  () => {
    let loki: LokiServer;
    beforeAll(async () => {
      loki = await startLoki();
    }, 60_000);
    afterAll(() => loki?.dispose());

    // The compose command asks localhost:3100; a test Loki listens on a free port, so the same flags are run with
    // -health.url pointing at it.
    const check = () => {
      const [exec, image, ...flags] = healthcheck;
      expect([exec, image]).toEqual(['CMD', '/usr/bin/loki']);
      return run(binary!, [...flags, `-health.url=${loki.url}/ready`]);
    };

    it('passes while Loki is ready and fails once it is down', async () => {
      await expect(check()).resolves.toBeDefined();
      await loki.stop();
      await expect(check()).rejects.toMatchObject({ code: 1 });
    }, 60_000);
  }
);
