// pluginLoaderDouble: Grafana 13's plugin loader as far as the plugin's module.js meets it, in the browser harness.
// - Which modules: the keys of `sharedDependenciesMap` (grafana/grafana public/app/features/plugins/loader/
//   sharedDependencies.ts, listed in ../support/grafanaSharedModules.ts). The harness carries the real module for
//   those in CARRIED below; any other name fails the load, saying whether Grafana shares it at all.
// - Which versions: Grafana 13's. React 19 and @grafana/data, ui, runtime 13.2.2 are the packages of this
//   repository; `react-router-dom` is v5 and `react-router` is `react-router-dom-v5-compat`, both resolved from
//   @grafana/ui 13 (webpack.harness.cjs), which depends on them; `i18next` is the instance of @grafana/i18n 13's
//   i18next (`() => import('@grafana/i18n/internal').then((m) => m.getI18nInstance())` in sharedDependencies.ts;
//   getI18nInstance returns i18next's default instance).
// - How a module reaches `define`: `addPreload` in loader/utils.ts registers an object with `SystemJS.set`, which
//   keeps a namespace tagged 'Module' and copies anything else with Object.assign (systemjs
//   src/features/registry.js); it registers a function as a module whose execute `_export`s what the function
//   resolves to, which copies it key by key with for-in into a fresh namespace (src/system-core.js, `_export`), so
//   the plugin gets a snapshot of the instance's own keys, not the instance. The AMD extra then passes each
//   namespace to `define`'s factory, or its `default` when it has `__useDefault` (src/extras/amd.js,
//   `createSetter`).
// - The v5-only exports of `react-router-dom` are wrapped to report a call (loader/v5RouterTelemetry.ts,
//   `withV5UsageTelemetry`); Grafana logs the report to Faro, the harness as a console warning the browser test
//   counts as an error.
import { createElement, type ComponentType } from 'react';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUiRaw from '@grafana/ui';
import * as reactRouterDomV5 from 'react-router-dom-v5';
import type { AppPlugin } from '@grafana/data';
import { PLUGIN_ID } from '@auditlens/contract';
import { PluginPageDouble } from '../support/PluginPageDouble';
import {
  GRAFANA_SHARED_MODULES,
  V5_ONLY_ROUTER_EXPORTS,
  V5_USAGE_WARNING,
} from '../support/grafanaSharedModules';

type ModuleRecord = Record<string | symbol, unknown>;
/** A module as `sharedDependenciesMap` holds it: the module itself, or a function that loads it. */
type SharedEntry = ModuleRecord | (() => Promise<unknown>);

declare global {
  interface Window {
    define?: ((deps: string[], factory: (...modules: unknown[]) => unknown) => void) & { amd?: object };
  }
}

// sharedDependencies.ts also offers @grafana/data's plugin classes on @grafana/ui, for plugins of Grafana 6.4.
const grafanaUi: ModuleRecord = Object.assign(grafanaUiRaw as unknown as ModuleRecord, {
  PanelPlugin: grafanaData.PanelPlugin,
  DataSourcePlugin: grafanaData.DataSourcePlugin,
  AppPlugin: grafanaData.AppPlugin,
  DataSourceApi: grafanaData.DataSourceApi,
});

const reported = new Set<string>();
function reportV5Usage(exportName: string): void {
  if (reported.has(exportName)) return;
  reported.add(exportName);
  console.warn(V5_USAGE_WARNING, { pluginId: PLUGIN_ID, exportName });
}

/** `react-router-dom` v5 with the exports v6 removes wrapped to report each first call, as Grafana shares it. */
function withV5UsageReports(module: ModuleRecord): ModuleRecord {
  const wrappers: ModuleRecord = {};
  for (const name of V5_ONLY_ROUTER_EXPORTS.functions) {
    const original = module[name];
    if (typeof original === 'function')
      wrappers[name] = (...args: unknown[]) => {
        reportV5Usage(name);
        return (original as (...a: unknown[]) => unknown)(...args);
      };
  }
  for (const name of V5_ONLY_ROUTER_EXPORTS.components) {
    const Original = module[name];
    if (typeof Original === 'function')
      wrappers[name] = (props: object) => {
        reportV5Usage(name);
        return createElement(Original as ComponentType<object>, props);
      };
  }
  return { ...module, ...wrappers };
}

/** The shared modules the harness carries, in the form `sharedDependenciesMap` gives them. */
const CARRIED: Readonly<Record<string, SharedEntry>> = {
  '@emotion/css': () => import('@emotion/css'),
  '@emotion/react': () => import('@emotion/react'),
  '@grafana/data': grafanaData as unknown as ModuleRecord,
  // Grafana's runtime with Grafana's page chrome set as `PluginPage` (runtime's own renders the children only).
  '@grafana/runtime': { ...grafanaRuntime, PluginPage: PluginPageDouble },
  '@grafana/ui': grafanaUi,
  emotion: () => import('@emotion/css'),
  i18next: () => import('i18next').then((m) => m.default),
  react: () => import('react'),
  'react/jsx-runtime': () => import('react/jsx-runtime'),
  'react/jsx-dev-runtime': () => import('react/jsx-dev-runtime'),
  'react-dom': () => import('react-dom'),
  'react-dom/client': () => import('react-dom/client'),
  'react-router-dom': async () => withV5UsageReports(reactRouterDomV5 as unknown as ModuleRecord),
  'react-router': () => import('react-router-dom-v5-compat'),
  rxjs: () => import('rxjs'),
  'rxjs/operators': () => import('rxjs/operators'),
};

function moduleNamespace(): ModuleRecord {
  const ns: ModuleRecord = Object.create(null) as ModuleRecord;
  Object.defineProperty(ns, Symbol.toStringTag, { value: 'Module' });
  return ns;
}

/** The namespace SystemJS registers for an entry of `sharedDependenciesMap`. */
async function registered(entry: SharedEntry): Promise<ModuleRecord> {
  if (typeof entry !== 'function')
    return entry[Symbol.toStringTag] === 'Module' ? entry : Object.assign(moduleNamespace(), entry);
  const value = (await entry()) as ModuleRecord;
  const ns = moduleNamespace();
  for (const key in value) ns[key] = value[key];
  if (value.__esModule) ns.__esModule = value.__esModule;
  return ns;
}

const loaded = new Map<string, Promise<unknown>>();

/** What `define`'s factory receives for a module name, as Grafana 13 hands it over (loaded once, then shared). */
export function sharedModule(name: string): Promise<unknown> {
  let module = loaded.get(name);
  if (!module) {
    const entry = CARRIED[name];
    module = entry
      ? registered(entry).then((ns) => (ns.__useDefault ? ns.default : ns))
      : Promise.reject(
          new Error(
            GRAFANA_SHARED_MODULES.includes(name)
              ? `Grafana 13 shares ${name} but the harness does not carry it: add it to CARRIED in pluginLoaderDouble.ts`
              : `the plugin asks for ${name}, which Grafana 13 does not share (loader/sharedDependencies.ts)`
          )
        );
    loaded.set(name, module);
  }
  return module;
}

/** Loads dist/module.js as Grafana does and resolves to its `plugin`. */
export function loadPlugin(): Promise<AppPlugin> {
  return new Promise((resolve, reject) => {
    const define = (deps: string[], factory: (...modules: unknown[]) => unknown) => {
      Promise.all(deps.map(sharedModule))
        .then((modules) => resolve((factory(...modules) as { plugin: AppPlugin }).plugin))
        .catch(reject);
    };
    window.define = Object.assign(define, { amd: {} });
    const script = document.createElement('script');
    script.src = `public/plugins/${PLUGIN_ID}/module.js`;
    script.onerror = () => reject(new Error('module.js did not load'));
    document.head.appendChild(script);
  });
}
