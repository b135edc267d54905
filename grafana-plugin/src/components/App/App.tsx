import React from 'react';
import { Route, Routes, Navigate, Link, useParams } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { LOG_TYPE_SLUGS, LOG_TYPE_TITLES, logTypeFromSlug } from '@auditlens/contract';
import { appPermissions, type AppPermissions } from '../../permissions';
import { ROUTES, prefixRoute } from '../../constants';
import { NoAccess } from '../NoAccess/NoAccess';
import { testIds } from '../../testIds';
import { LogTypePage } from '../../pages/LogType/LogTypePage';

/** The app's pages; each checks the user's permissions itself, since Grafana gates only exact include paths. */
export function App(_props: AppRootProps): React.JSX.Element {
  const permissions = appPermissions();
  if (permissions.readable.length === 0) return <NoAccess />;
  return (
    <Routes>
      <Route path={`${ROUTES.overview}`} element={<Overview permissions={permissions} />} />
      <Route path=":slug" element={<LogTypeRoute permissions={permissions} />} />
      <Route path="*" element={<Navigate to={prefixRoute(ROUTES.overview)} replace />} />
    </Routes>
  );
}

function Overview({ permissions }: { permissions: AppPermissions }): React.JSX.Element {
  return (
    <ul data-testid={testIds.overview}>
      {permissions.readable.map((t) => (
        <li key={t}>
          <Link to={prefixRoute(ROUTES.logType(t))} data-testid={testIds.logTypeLink(LOG_TYPE_SLUGS[t])}>
            {LOG_TYPE_TITLES[t]}
          </Link>
        </li>
      ))}
    </ul>
  );
}

function LogTypeRoute({ permissions }: { permissions: AppPermissions }): React.JSX.Element {
  const { slug = '' } = useParams();
  const logType = logTypeFromSlug(slug);
  if (!logType || !permissions.readable.includes(logType)) return <NoAccess />;
  return <LogTypePage logType={logType} canExport={permissions.canExport} />;
}
