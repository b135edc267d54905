// The browser harness: plays Grafana's part for the built plugin (dist/) in a real browser. It shares
// React, @grafana/data, ui and runtime with the plugin the way Grafana does (an AMD `define` that hands
// them over), boots the signed-in user and the backend (the server doubles), and renders the app's root
// page or config page at Grafana's URLs. Which user and theme come from `window.__AUDITLENS_HARNESS__`.
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as grafanaData from '@grafana/data';
import * as grafanaUi from '@grafana/ui';
import * as grafanaRuntime from '@grafana/runtime';
import * as reactRouterDom from 'react-router-dom';
import * as rxjs from 'rxjs';
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import { Route, Routes } from 'react-router-dom';
import {
  ThemeContext,
  createTheme,
  type AppPlugin,
  type AppPluginMeta,
  type PluginConfigPageProps,
} from '@grafana/data';
import { GlobalStyles } from '@grafana/ui';
import { config } from '@grafana/runtime';
import { initPluginTranslations } from '@grafana/i18n';
import { APP_BASE_PATH, PLUGIN_ID, type ExportJob } from '@auditlens/contract';
import uplotCss from 'uplot/dist/uPlot.min.css';
import { bootGrafana, PERMISSION_SETS } from '../support/grafanaBoot';
import { FakeExportService, sampleEvents } from '../support/fakeExportService';
import { GrafanaRouter } from '../support/GrafanaRouter';
import { appRootProps } from '../support/appRootProps';
import type { FakeGrafanaServer } from '../support/fakeGrafanaServer';
import { PluginPageDouble } from '../support/PluginPageDouble';
import type { GrafanaAlert } from '../../src/api/alerting';

/** What the browser test asks of the harness, set before the page loads. */
export interface HarnessOptions {
  readonly permissions: keyof typeof PERMISSION_SETS;
  readonly theme: 'light' | 'dark';
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
    define?: ((deps: string[], factory: (...modules: unknown[]) => unknown) => void) & { amd?: object };
  }
}

const SHARED: Readonly<Record<string, unknown>> = {
  react: React,
  'react-dom': ReactDOM,
  '@grafana/data': grafanaData,
  '@grafana/ui': grafanaUi,
  // Grafana's runtime as plugins receive it, with Grafana's page chrome set (runtime's own renders children only).
  '@grafana/runtime': { ...grafanaRuntime, PluginPage: PluginPageDouble },
  'react-router-dom': reactRouterDom,
  rxjs,
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
};

/** Loads dist/module.js the way Grafana does, handing it the shared modules. */
function loadPlugin(): Promise<AppPlugin> {
  return new Promise((resolve, reject) => {
    const define = (deps: string[], factory: (...modules: unknown[]) => unknown) => {
      const missing = deps.filter((d) => !(d in SHARED));
      if (missing.length)
        return reject(new Error(`the plugin wants modules Grafana does not share: ${missing.join(', ')}`));
      const exports = factory(...deps.map((d) => SHARED[d])) as { plugin: AppPlugin };
      resolve(exports.plugin);
    };
    window.define = Object.assign(define, { amd: {} });
    const script = document.createElement('script');
    script.src = `public/plugins/${PLUGIN_ID}/module.js`;
    script.onerror = () => reject(new Error('module.js did not load'));
    document.head.appendChild(script);
  });
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
      user: { ...config.bootData.user, lightTheme: options.theme === 'light' },
    },
  });

  // Grafana sets up its own translations (used by its copy of @grafana/ui) before any plugin loads.
  await initPluginTranslations('grafana');
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
  createRoot(document.getElementById('root')!).render(
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <main style={{ padding: 16 }}>
        <GrafanaRouter>
          <Routes>
            <Route path={`${APP_BASE_PATH}/*`} element={<Root {...appRootProps()} />} />
            <Route
              path={`/plugins/${PLUGIN_ID}`}
              element={
                // Grafana shows a plugin's config page under the plugin's own page header.
                <PluginPageDouble pageNav={{ text: 'AuditLens' }}>
                  <ConfigPage
                    plugin={{ meta } as unknown as PluginConfigPageProps<AppPluginMeta>['plugin']}
                    query={{}}
                  />
                </PluginPageDouble>
              }
            />
          </Routes>
        </GrafanaRouter>
      </main>
    </ThemeContext.Provider>
  );
}

main().catch((error: unknown) => {
  document.body.setAttribute('data-harness-error', String(error));
  throw error;
});
