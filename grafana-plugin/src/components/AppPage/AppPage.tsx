import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { PageLayoutType } from '@grafana/data';

/** Grafana's page chrome (title, breadcrumbs from the nav include) around one of the app's pages. */
export function AppPage({ children }: { children: React.ReactNode }): React.JSX.Element {
  return <PluginPage layout={PageLayoutType.Standard}>{children}</PluginPage>;
}
