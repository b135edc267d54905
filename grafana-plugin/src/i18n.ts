import { initPluginTranslations } from '@grafana/i18n';
import { loadResources } from '@grafana/scenes';
import { PLUGIN_ID } from '@auditlens/contract';

let ready: Promise<unknown> | undefined;

/**
 * Sets up translations for the app and the scenes it bundles (Grafana's own i18n covers only Grafana's copy
 * of its packages); scenes components fail without it. Runs once, before the first page renders.
 */
export function initTranslations(): Promise<unknown> {
  ready ??= initPluginTranslations(PLUGIN_ID, [loadResources]);
  return ready;
}
