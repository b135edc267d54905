import React from 'react';
import { Navigate, Route, Routes, useParams } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { logTypeFromSlug } from '@auditlens/contract';
import { ApiProvider } from '../../api/ApiContext';
import type { AuditLensApi } from '../../api/client';
import { appPermissions, type AppPermissions } from '../../permissions';
import { ROUTES, prefixRoute } from '../../constants';
import { AppPage } from '../AppPage/AppPage';
import { NoAccess } from '../NoAccess/NoAccess';
import { LogTypePage } from '../../pages/LogType/LogTypePage';
import { OverviewPage } from '../../pages/Overview/OverviewPage';
import { ExportsPage } from '../../pages/Exports/ExportsPage';

/** The app's pages; each checks the user's permissions itself, since Grafana gates only exact include paths. */
export function App(props: AppRootProps & { api?: AuditLensApi }): React.JSX.Element {
  const permissions = appPermissions();
  return <ApiProvider api={props.api}>{routesFor(permissions)}</ApiProvider>;
}

function routesFor(permissions: AppPermissions): React.JSX.Element {
  if (permissions.readable.length === 0) return <Denied />;
  return (
    <Routes>
      <Route path={ROUTES.overview} element={<OverviewPage readable={permissions.readable} />} />
      <Route path={ROUTES.exports} element={permissions.canExport ? <ExportsPage /> : <Denied />} />
      <Route path=":slug" element={<LogTypeRoute permissions={permissions} />} />
      <Route path="*" element={<Navigate to={prefixRoute(ROUTES.overview)} replace />} />
    </Routes>
  );
}

function LogTypeRoute({ permissions }: { permissions: AppPermissions }): React.JSX.Element {
  const { slug = '' } = useParams();
  const logType = logTypeFromSlug(slug);
  if (!logType) return <Navigate to={prefixRoute(ROUTES.overview)} replace />;
  if (!permissions.readable.includes(logType)) return <Denied />;
  return <LogTypePage key={logType} logType={logType} canExport={permissions.canExport} />;
}

function Denied(): React.JSX.Element {
  return (
    <AppPage>
      <NoAccess />
    </AppPage>
  );
}
