import type { AppRootProps } from '@grafana/data';
import { APP_BASE_PATH, PLUGIN_ID } from '@auditlens/contract';

/** The props Grafana passes an app's root page; the app reads none of them but the path. */
export function appRootProps(): AppRootProps {
  return {
    basename: APP_BASE_PATH,
    path: APP_BASE_PATH,
    meta: { id: PLUGIN_ID } as AppRootProps['meta'],
    query: {},
    onNavChanged: () => {},
  } as AppRootProps;
}
