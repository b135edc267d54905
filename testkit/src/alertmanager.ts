import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { answers, ServerProcess } from './server-process';

/** Debian's `prometheus-alertmanager` binary, or `ALERTMANAGER_BIN`. */
export function alertmanagerBinary(): string | undefined {
  const bin = process.env['ALERTMANAGER_BIN'] ?? '/usr/bin/prometheus-alertmanager';
  return existsSync(bin) ? bin : undefined;
}

/** One alert as Alertmanager's API v2 lists it (`GET /api/v2/alerts`). */
export interface AlertmanagerAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly status: { readonly state: string };
}

/** A real Alertmanager started for a test. */
export interface AlertmanagerServer {
  readonly url: string;
  /** Alerts it holds now. */
  alerts(): Promise<AlertmanagerAlert[]>;
  dispose(): Promise<void>;
}

/** The smallest valid configuration: every alert to a receiver that sends nothing. */
export const SILENT_ALERTMANAGER_CONFIG = `route:
  receiver: nowhere
  group_wait: 1s
receivers:
  - name: nowhere
`;

/** Starts Alertmanager on 127.0.0.1 with clustering off and waits for `/-/ready`. */
export async function startAlertmanager(config = SILENT_ALERTMANAGER_CONFIG): Promise<AlertmanagerServer> {
  const binary = alertmanagerBinary();
  if (!binary)
    throw new Error('no Alertmanager: apt-get install -y prometheus-alertmanager, or set ALERTMANAGER_BIN');
  const dir = mkdtempSync(join(tmpdir(), 'auditlens-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = new ServerProcess({
    name: 'alertmanager',
    command: binary,
    args: [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    logFile: join(dir, 'alertmanager.log'),
    isReady: () => answers(`${url}/-/ready`),
  });
  await server.start();
  return {
    url,
    alerts: async () => {
      const res = await fetch(`${url}/api/v2/alerts`);
      if (!res.ok) throw new Error(`Alertmanager answered ${res.status}`);
      return (await res.json()) as AlertmanagerAlert[];
    },
    dispose: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
