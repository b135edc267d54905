import React, { lazy, Suspense } from 'react';
import { AppPlugin, type AppRootProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import type { AppSettings } from './constants';

// Everything imported here lands in the bundle Grafana preloads: pages load lazily.
const LazyApp = lazy(() => import('./components/App/App').then((m) => ({ default: m.App })));

function App(props: AppRootProps): React.JSX.Element {
  return (
    <Suspense fallback={<LoadingPlaceholder text="" />}>
      <LazyApp {...props} />
    </Suspense>
  );
}

/** The AuditLens app plugin. */
export const plugin = new AppPlugin<AppSettings>().setRootPage(App);
