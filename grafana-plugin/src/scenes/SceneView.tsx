import React from 'react';
import { UrlSyncContextProvider, type SceneObject } from '@grafana/scenes';

/** Renders a scene with its state (time range, filters) kept in the URL, so a view can be shared. */
export function SceneView({ scene }: { scene: SceneObject }): React.JSX.Element {
  return (
    <UrlSyncContextProvider scene={scene} updateUrlOnInit createBrowserHistorySteps>
      <scene.Component model={scene} />
    </UrlSyncContextProvider>
  );
}
