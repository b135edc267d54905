import React, { useMemo } from 'react';
import {
  EmbeddedScene,
  SceneControlsSpacer,
  SceneFlexItem,
  SceneFlexLayout,
  SceneRefreshPicker,
  SceneTimePicker,
  SceneTimeRange,
} from '@grafana/scenes';
import type { LogType } from '@auditlens/contract';
import { AppPage } from '../../components/AppPage/AppPage';
import { SceneView } from '../../scenes/SceneView';
import { AuditLogView } from './AuditLogView';

/** The scene of a log type's page: Grafana's time picker and refresh over the audit log view. */
export function buildLogTypeScene(logType: LogType, canExport: boolean): EmbeddedScene {
  return new EmbeddedScene({
    $timeRange: new SceneTimeRange({ from: 'now-24h', to: 'now' }),
    controls: [
      new SceneControlsSpacer(),
      new SceneTimePicker({}),
      new SceneRefreshPicker({ intervals: ['1m', '5m', '15m'] }),
    ],
    body: new SceneFlexLayout({
      children: [new SceneFlexItem({ body: new AuditLogView({ logType, canExport, filters: {}, q: '' }) })],
    }),
  });
}

/** One log type's page; the caller has checked the read permission. */
export function LogTypePage({
  logType,
  canExport,
}: {
  logType: LogType;
  canExport: boolean;
}): React.JSX.Element {
  const scene = useMemo(() => buildLogTypeScene(logType, canExport), [logType, canExport]);
  return (
    <AppPage>
      <SceneView scene={scene} />
    </AppPage>
  );
}
