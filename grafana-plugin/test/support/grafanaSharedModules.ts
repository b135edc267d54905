// The modules Grafana 13 hands a plugin's AMD `define`, and nothing else: the keys of `sharedDependenciesMap` in
// grafana/grafana `public/app/features/plugins/loader/sharedDependencies.ts` (read at commit 0274a43c9f10, the
// version with `react/jsx-runtime`, `react-dom/client` and the v5 router telemetry). `systemjsHooks.ts` turns
// every key into an import map entry; a name missing here fails to resolve ("SystemJS: failed to resolve") and
// the plugin does not load. Which version of each the harness hands over: test/browser/pluginLoaderDouble.ts.

/** The flot plugins the loader lists as empty stand-ins (`jQueryFlotDeps`), for plugins that still import them. */
const JQUERY_FLOT = [
  'jquery.flot.crosshair',
  'jquery.flot.events',
  'jquery.flot.fillbelow',
  'jquery.flot.gauge',
  'jquery.flot.pie',
  'jquery.flot.selection',
  'jquery.flot.stack',
  'jquery.flot.stackpercent',
  'jquery.flot.time',
  'jquery.flot',
] as const;

/** Every module name a Grafana 13 plugin may take from Grafana, in `sharedDependenciesMap`'s order. */
export const GRAFANA_SHARED_MODULES: readonly string[] = [
  '@emotion/css',
  '@emotion/react',
  '@grafana/data',
  '@grafana/data/unstable',
  '@grafana/runtime',
  '@grafana/runtime/unstable',
  '@grafana/slate-react',
  '@grafana/ui',
  '@grafana/ui/unstable',
  '@kusto/monaco-kusto',
  'app/core/app_events',
  'app/core/config',
  'app/core/core',
  'app/core/services/backend_srv',
  'app/core/table_model',
  'app/core/time_series',
  'app/core/time_series2',
  'app/core/utils/datemath',
  'app/core/utils/flatten',
  'app/core/utils/kbn',
  'app/core/utils/ticks',
  'app/features/dashboard/impression_store',
  'd3',
  'emotion',
  'i18next',
  'jquery',
  ...JQUERY_FLOT,
  'lodash',
  'moment',
  'prismjs',
  'react',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'react-dom',
  'react-dom/client',
  'react-dom/server',
  'react-inlinesvg',
  'react-redux',
  'react-router-dom',
  'react-router',
  'redux',
  'rxjs',
  'rxjs/operators',
  'slate',
  'slate-plain-serializer',
  'slate-react',
];

/**
 * Exports `react-router-dom` v5 has that v6 removed, which Grafana's loader wraps to report a plugin that calls
 * them (`V5_ONLY_FUNCTIONS` and `V5_ONLY_COMPONENTS` in `loader/v5RouterTelemetry.ts`).
 */
export const V5_ONLY_ROUTER_EXPORTS = {
  functions: ['useHistory', 'useRouteMatch', 'withRouter'],
  components: ['Switch', 'Redirect', 'Prompt'],
} as const;

/** The warning Grafana's loader logs when a plugin calls one of `V5_ONLY_ROUTER_EXPORTS` (`reportV5Usage`). */
export const V5_USAGE_WARNING = 'Plugin used a react-router-dom export that v6 removes';
