import React from 'react';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { ApiProvider } from '../../api/ApiContext';
import type { AppSettings } from '../../constants';
import { AppConfig } from './AppConfig';

/** The config page with its API client. */
export function ConfigRoot(props: PluginConfigPageProps<AppPluginMeta<AppSettings>>): React.JSX.Element {
  return (
    <ApiProvider>
      <AppConfig {...props} />
    </ApiProvider>
  );
}
