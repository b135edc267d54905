import { lastValueFrom } from 'rxjs';
import { getBackendSrv } from '@grafana/runtime';
import { APP_JSON_DATA, APP_SECURE_JSON_DATA, PLUGIN_ID } from '@auditlens/contract';
import type { HttpFetcher } from './client';

/** What the config page saves; an omitted secret keeps the stored one. */
export interface SettingsUpdate {
  readonly enabled: boolean;
  readonly exportServiceUrl: string;
  readonly sharedSecret?: string;
}

/** Saves the app's settings through Grafana's plugin settings API (Admin only, checked by Grafana). */
export async function saveSettings(
  update: SettingsUpdate,
  http: HttpFetcher = getBackendSrv() as unknown as HttpFetcher
): Promise<void> {
  await lastValueFrom(
    http.fetch({
      url: `/api/plugins/${PLUGIN_ID}/settings`,
      method: 'POST',
      data: {
        enabled: update.enabled,
        pinned: update.enabled,
        jsonData: { [APP_JSON_DATA.exportServiceUrl]: update.exportServiceUrl },
        ...(update.sharedSecret === undefined
          ? {}
          : { secureJsonData: { [APP_SECURE_JSON_DATA.sharedSecret]: update.sharedSecret } }),
      },
      showErrorAlert: false,
    })
  );
}
