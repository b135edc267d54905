import { APP_JSON_DATA, APP_SECURE_JSON_DATA } from '@auditlens/contract';
import { GrafanaDouble, loadPluginJson } from '@auditlens/testkit';
import { SERVICE_GRAFANA_TOKEN } from './service-process';

/** A user of the tests' Grafana: an org Admin, so they may read every log type and export. */
export interface TestGrafanaUser {
  readonly login: string;
  readonly email: string;
  readonly name: string;
}

/** The one requester of most service-process tests. */
export const JANE: TestGrafanaUser = { login: 'jane', email: 'jane@acme.test', name: 'Jane Admin' };

/**
 * The Grafana double the service talks to in fault, load and long-range tests: these users as org Admins,
 * and the service's org-Admin service account with `token` (SERVICE_GRAFANA_TOKEN by default).
 */
export function startTestGrafana(
  users: readonly TestGrafanaUser[],
  token = SERVICE_GRAFANA_TOKEN
): Promise<GrafanaDouble> {
  return GrafanaDouble.start({
    plugin: loadPluginJson(),
    jsonData: { [APP_JSON_DATA.exportServiceUrl]: 'http://127.0.0.1:9' },
    secureJsonData: { [APP_SECURE_JSON_DATA.sharedSecret]: 'unused-by-these-tests' },
    users: users.map((u) => ({ ...u, uid: `u-${u.login}`, orgRole: 'Admin' as const })),
    serviceAccounts: [{ token, orgRole: 'Admin' }],
  });
}
