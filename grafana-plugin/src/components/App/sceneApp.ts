import { SceneApp } from '@grafana/scenes';
import { LOG_TYPES } from '@auditlens/contract';
import { ROUTES } from '../../constants';
import type { AuditDataSources } from '../../data/requests';
import type { AppPermissions } from '../../permissions';
import { exportsPage } from '../../pages/Exports/exportsPage';
import { gettingStartedPage } from '../../pages/GettingStarted/gettingStartedPage';
import { logTypePage } from '../../pages/LogType/logTypePage';
import { noAccessPage } from '../../pages/NoAccess/noAccessPage';
import { overviewPage } from '../../pages/Overview/overviewPage';

/**
 * The app's pages for one user: a page per log type they may read and the permission page at the others
 * (Grafana guards only the exact include paths, so a typed URL must not reach a page), "My exports" only with
 * the export action.
 */
export function sceneApp(permissions: AppPermissions, sources: AuditDataSources): SceneApp {
  if (permissions.readable.length === 0) return new SceneApp({ pages: [noAccessPage('*')] });
  return new SceneApp({
    name: 'auditlens',
    urlSyncOptions: { updateUrlOnInit: true, createBrowserHistorySteps: true },
    pages: [
      overviewPage({ readable: permissions.readable, canReadAlerts: permissions.canReadAlerts }, sources),
      ...LOG_TYPES.map((t) =>
        permissions.readable.includes(t)
          ? logTypePage(t, permissions.canExport, sources)
          : noAccessPage(ROUTES.logType(t))
      ),
      permissions.canExport ? exportsPage(sources) : noAccessPage(ROUTES.exports),
      gettingStartedPage(),
    ],
  });
}
