import React, { useMemo } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { APP_BASE_PATH, LOG_TYPES } from '@auditlens/contract';
import { ApiProvider } from '../../api/ApiContext';
import { AuditLensApi } from '../../api/client';
import { GrafanaAlerting } from '../../api/alerting';
import { apiFacetCounts, apiFacetSuggestions } from '../../data/facets';
import type { AuditDataSources } from '../../data/requests';
import { appPermissions } from '../../permissions';
import { ROUTES, prefixRoute } from '../../constants';
import { sceneApp } from './sceneApp';

/** First path segments of the app's pages; any other path leads to the overview. */
const PAGES = new Set<string>([
  ROUTES.overview,
  ROUTES.exports,
  ROUTES.gettingStarted,
  ...LOG_TYPES.map(ROUTES.logType),
]);

/** The app's root: the user's permissions, checked once, decide which pages the scene app has. */
export function App(props: AppRootProps & { api?: AuditLensApi }): React.JSX.Element {
  const api = useMemo(() => props.api ?? new AuditLensApi(), [props.api]);
  const app = useMemo(() => sceneApp(appPermissions(), dataSources(api)), [api]);
  const page =
    useLocation()
      .pathname.slice(APP_BASE_PATH.length + 1)
      .split('/')[0] ?? '';
  if (!PAGES.has(page) && appPermissions().readable.length > 0)
    return <Navigate to={prefixRoute(ROUTES.overview)} replace />;
  return (
    <ApiProvider api={api}>
      <app.Component model={app} />
    </ApiProvider>
  );
}

/** The sources every runner of the app reads from; the facet counts are cached for the app's lifetime. */
function dataSources(api: AuditLensApi): AuditDataSources {
  return { api, alerting: new GrafanaAlerting(), facets: [apiFacetSuggestions(api), apiFacetCounts(api)] };
}
