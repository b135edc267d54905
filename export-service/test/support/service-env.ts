import type { GrafanaDouble, SmtpInbox } from '@auditlens/testkit';

/**
 * The settings that point a service process at Loki (only the events of `run`, a service name of the test's
 * own), the tests' Grafana and the inbox; a test adds what it is about.
 */
export function serviceEnv(o: {
  readonly lokiUrl: string;
  readonly run: string;
  readonly grafana: GrafanaDouble;
  readonly inbox: SmtpInbox;
}): Record<string, string> {
  return { LOKI_URL: o.lokiUrl, LOKI_SERVICE_NAME: o.run, GRAFANA_URL: o.grafana.url, SMTP_URL: o.inbox.url };
}
