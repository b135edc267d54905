// The browser harness: plays Grafana 13's part for the built plugin (dist/) in a real browser. Its plugin loader
// (pluginLoaderDouble.ts) hands the plugin's AMD `define` the modules Grafana 13 shares, in Grafana 13's versions;
// it boots the signed-in user and the backend (the server doubles), starts Grafana's i18n in the user's language,
// and renders the app's root page or config page at Grafana's URLs inside Grafana's own routers. Which user, theme
// and language come from `window.__AUDITLENS_HARNESS__`.
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import i18next from 'i18next';
import { Router, Switch } from 'react-router-dom-v5';
import { CompatRoute, CompatRouter } from 'react-router-dom-v5-compat';
import { ThemeContext, createTheme, type AppPluginMeta, type PluginConfigPageProps } from '@grafana/data';
import { GlobalStyles } from '@grafana/ui';
import { LocationServiceProvider, config, locationService } from '@grafana/runtime';
import { LANGUAGES, initPluginTranslations } from '@grafana/i18n';
import { PLUGIN_ID, type ExportJob } from '@auditlens/contract';
import uplotCss from 'uplot/dist/uPlot.min.css';
import { bootGrafana, PERMISSION_SETS } from '../support/grafanaBoot';
import { FakeExportService, sampleEvents } from '../support/fakeExportService';
import { appRootProps } from '../support/appRootProps';
import type { FakeGrafanaServer } from '../support/fakeGrafanaServer';
import { PluginPageDouble } from '../support/PluginPageDouble';
import type { GrafanaAlert } from '../../src/api/alerting';
import { loadPlugin, sharedModule } from './pluginLoaderDouble';

/** What the browser test asks of the harness, set before the page loads. */
export interface HarnessOptions {
  readonly permissions: keyof typeof PERMISSION_SETS;
  readonly theme: 'light' | 'dark';
  /** The user's language (a code of @grafana/i18n's LANGUAGES). Default `en-US`. */
  readonly language?: string;
  /** `none`: a new install, nothing recorded yet. Default: sample events of every type. */
  readonly events?: 'sample' | 'none';
  /** Alert instances Grafana's rule evaluator holds. Default none. */
  readonly alerts?: readonly GrafanaAlert[];
  /** When the sample events end (ms), so two pages show the same events. Default: when the page loads. */
  readonly now?: number;
  /** The user's exports the service holds already. Default none. */
  readonly exports?: readonly ExportJob[];
}

declare global {
  interface Window {
    __AUDITLENS_HARNESS__?: HarnessOptions;
    __auditlens?: { server: FakeGrafanaServer; service: FakeExportService };
    /** The export names of each shared module, as `define` would receive it, or why the harness refuses it. */
    __auditlensSharedExports?: (names: readonly string[]) => Promise<Record<string, string[] | string>>;
  }
}

window.__auditlensSharedExports = async (names) => {
  const found: Record<string, string[] | string> = {};
  for (const name of names) {
    try {
      const module = (await sharedModule(name)) as Record<string, unknown>;
      const keys: string[] = [];
      for (const key in module) keys.push(key);
      found[name] = keys;
    } catch (error) {
      found[name] = String(error);
    }
  }
  return found;
};

/**
 * Grafana's i18n as Grafana 13 starts it before any plugin loads (`initTranslations` of @grafana/i18n 13.2.2,
 * dist/esm/i18n.mjs): its i18next instance in the user's language, falling back to en-US, with Grafana's own
 * namespace loaded (the server's public/locales/<language>/grafana.json; here one stand-in string, which is what
 * makes i18next count the language as resolved), and Grafana's copy of @grafana/i18n set up on that instance.
 */
async function startGrafanaI18n(language: string): Promise<void> {
  await i18next.init({
    lng: language,
    fallbackLng: 'en-US',
    supportedLngs: LANGUAGES.map((l) => l.code),
    partialBundledLanguages: true,
    returnEmptyString: false,
    ns: ['grafana'],
    resources: { [language]: { grafana: { 'harness-stand-in': language } } },
  });
  await initPluginTranslations('grafana');
  document.documentElement.lang = language;
}

/**
 * Grafana's build injects the stylesheets its packages import, such as uPlot's (imported by @grafana/ui's
 * components/uPlot/Plot.tsx, which Grafana's time series panel draws with); this bundle loads CSS as text.
 */
function addGrafanaStylesheets(): void {
  const style = document.createElement('style');
  style.textContent = uplotCss;
  document.head.appendChild(style);
}

async function main(): Promise<void> {
  addGrafanaStylesheets();
  const options: HarnessOptions = window.__AUDITLENS_HARNESS__ ?? { permissions: 'exporter', theme: 'dark' };
  const service = new FakeExportService(
    options.events === 'none' ? [] : sampleEvents(options.now ?? Date.now())
  );
  service.exports.push(...(options.exports ?? []));
  const server = bootGrafana('jane', PERMISSION_SETS[options.permissions], service, {
    alerts: options.alerts ?? [],
  });
  server.latencyMs = 100;
  window.__auditlens = { server, service };
  const theme = createTheme({ colors: { mode: options.theme } });
  Object.assign(config, {
    theme2: theme,
    bootData: {
      ...config.bootData,
      user: {
        ...config.bootData.user,
        lightTheme: options.theme === 'light',
        language: options.language ?? 'en-US',
      },
    },
  });

  await startGrafanaI18n(options.language ?? 'en-US');
  const plugin = await loadPlugin();
  const ConfigPage = plugin.configPages?.[0]?.body as React.ComponentType<
    PluginConfigPageProps<AppPluginMeta>
  >;
  const Root = plugin.root as React.ComponentType<ReturnType<typeof appRootProps>>;
  const meta = {
    id: PLUGIN_ID,
    enabled: true,
    jsonData: { exportServiceUrl: 'http://export-service:8080' },
    secureJsonFields: { sharedSecret: true },
  };
  // Grafana's routers around an app (public/app/routes/RoutesWrapper.tsx, `RouterWrapper`): react-router v5's
  // Router on locationService's history, then CompatRouter, which gives v6 routing to what is inside; app pages are
  // the v5 Switch's `CompatRoute` at `/a/:pluginId` (not exact, so `/a/:pluginId/*`; routes/routes.tsx), the config
  // page is under `/plugins/:pluginId`. The plugin's bundled react-router-dom v6 finds this router through the
  // `react-router` Grafana shares.
  createRoot(document.getElementById('root')!).render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <main style={{ padding: 16 }}>
        <Router history={locationService.getHistory()}>
          <LocationServiceProvider service={locationService}>
            <CompatRouter>
              <Switch>
                <CompatRoute path="/a/:pluginId" render={() => <Root {...appRootProps()} />} />
                <CompatRoute
                  path="/plugins/:pluginId"
                  render={() => (
                    // Grafana shows a plugin's config page under the plugin's own page header.
                    <PluginPageDouble pageNav={{ text: 'AuditLens' }}>
                      <ConfigPage
                        plugin={{ meta } as unknown as PluginConfigPageProps<AppPluginMeta>['plugin']}
                        query={{}}
                      />
                    </PluginPageDouble>
                  )}
                />
              </Switch>
            </CompatRouter>
          </LocationServiceProvider>
        </Router>
      </main>
    </ThemeContext.Provider>
  );
}

main().catch((error: unknown) => {
  document.body.setAttribute('data-harness-error', String(error));
  throw error;
});
