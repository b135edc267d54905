import React, { useMemo } from 'react';
import type { LogType } from '@auditlens/contract';
import { AppPage } from '../../components/AppPage/AppPage';
import { buildPageScene } from '../../scenes/pageScene';
import { SceneView } from '../../scenes/SceneView';
import { AuditLogView } from './AuditLogView';

/** One log type's page; the caller has checked the read permission. */
export function LogTypePage({
  logType,
  canExport,
}: {
  logType: LogType;
  canExport: boolean;
}): React.JSX.Element {
  const scene = useMemo(
    () => buildPageScene(new AuditLogView({ logType, canExport, filters: {}, q: '' })),
    [logType, canExport]
  );
  return (
    <AppPage>
      <SceneView scene={scene} />
    </AppPage>
  );
}
