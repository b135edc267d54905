import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import type { HttpFetcher } from './client';

/**
 * Grafana's Prometheus-compatible list of alert instances. It needs `alert.instances:read` (every basic role
 * holds it on Grafana OSS) and answers every alert of the organisation, internal labels left out
 * (grafana/grafana `pkg/services/ngalert/api/authorization.go`, `prometheus/api_prometheus.go`
 * `RouteGetAlertStatuses`). Unlike `/api/alertmanager/grafana/api/v2/alerts`, it shows what the rule evaluator
 * sees, whether or not a notification policy routes the alert to Grafana's Alertmanager.
 */
export const GRAFANA_ALERTS_URL = '/api/prometheus/grafana/api/v1/alerts';

/** Grafana's core action that lets a user list alert instances. */
export const ALERT_INSTANCES_READ = 'alert.instances:read';

/** One alert instance as that endpoint lists it. */
export interface GrafanaAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** `Alerting`, `Pending`, `Normal`, ..., with a reason in brackets for some (`Alerting (NoData)`). */
  readonly state: string;
  readonly activeAt: string;
  readonly value: string;
}

interface AlertsResponse {
  readonly status: string;
  readonly data?: { readonly alerts?: readonly GrafanaAlert[] };
}

/** Reads alert instances from Grafana's own API with the signed-in user's session and permissions. */
export class GrafanaAlerting {
  constructor(private readonly http: HttpFetcher = getBackendSrv() as unknown as HttpFetcher) {}

  /** Alerts firing now whose labels include every one of `labels`, oldest first. */
  async firing(labels: Readonly<Record<string, string>>): Promise<readonly GrafanaAlert[]> {
    const res = await lastValueFrom(
      this.http.fetch<AlertsResponse>({ url: GRAFANA_ALERTS_URL, method: 'GET', showErrorAlert: false })
    );
    return (res.data.data?.alerts ?? [])
      .filter((a) => isFiring(a.state) && Object.entries(labels).every(([k, v]) => a.labels[k] === v))
      .sort((a, b) => Date.parse(a.activeAt) - Date.parse(b.activeAt));
  }
}

/** Grafana writes a firing instance's state as `Alerting`, or `Alerting (<reason>)`. */
function isFiring(state: string): boolean {
  return state === 'Alerting' || state.startsWith('Alerting (');
}
