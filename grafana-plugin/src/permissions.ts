import { hasPermission } from '@grafana/runtime';
import { EXPORT_ACTION, readAction, type LogType } from '@auditlens/contract';
import { ALERT_INSTANCES_READ } from './api/alerting';
import { ORDERED_LOG_TYPES } from './constants';

/** Checks one RBAC action for the signed-in user; `hasPermission` from @grafana/runtime by default. */
export type PermissionCheck = (action: string) => boolean;

/** What the signed-in user may do in the app. Grafana enforces the same actions on the proxy routes. */
export interface AppPermissions {
  readonly readable: readonly LogType[];
  readonly canExport: boolean;
  /** Grafana's own `alert.instances:read`: the overview lists firing alerts. */
  readonly canReadAlerts: boolean;
}

/** The user's permissions, checked once when the app starts. */
export function appPermissions(check: PermissionCheck = hasPermission): AppPermissions {
  return {
    readable: ORDERED_LOG_TYPES.filter((t) => check(readAction(t))),
    canExport: check(EXPORT_ACTION),
    canReadAlerts: check(ALERT_INSTANCES_READ),
  };
}
