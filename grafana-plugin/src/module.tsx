import React, { lazy, Suspense } from 'react';
import { AppPlugin, type AppPluginMeta, type AppRootProps, type PluginConfigPageProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import type { AppSettings } from './constants';

// Everything imported here lands in the bundle Grafana preloads: pages and the config page load lazily,
// after the translations of the app and of the scenes it bundles are set up.
function withTranslations<T>(load: () => Promise<T>): Promise<T> {
  return import('./i18n').then((m) => m.initTranslations()).then(load);
}
const LazyApp = lazy(() =>
  withTranslations(() => import('./components/App/App')).then((m) => ({ default: m.App }))
);
const LazyConfig = lazy(() =>
  withTranslations(() => import('./components/AppConfig/ConfigRoot')).then((m) => ({ default: m.ConfigRoot }))
);

function App(props: AppRootProps): React.JSX.Element {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <LazyApp {...props} />
    </Suspense>
  );
}

function Config(props: PluginConfigPageProps<AppPluginMeta<AppSettings>>): React.JSX.Element {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <LazyConfig {...props} />
    </Suspense>
  );
}

/** The AuditLens app plugin. */
export const plugin = new AppPlugin<AppSettings>().setRootPage(App).addConfigPage({
  title: 'Configuration',
  icon: 'cog',
  body: Config,
  id: 'configuration',
});
