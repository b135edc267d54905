import React from 'react';
import { render, type RenderResult } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { locationService } from '@grafana/runtime';
import { APP_BASE_PATH } from '@auditlens/contract';
import { appRootProps } from './appRootProps';
import { App } from '../../src/components/App/App';
import { bootGrafana, type GrafanaState } from './grafanaBoot';
import type { FakeGrafanaServer } from './fakeGrafanaServer';
import { FakeExportService, sampleEvents } from './fakeExportService';
import { GrafanaRouter } from './GrafanaRouter';

export interface RenderedApp extends RenderResult {
  readonly server: FakeGrafanaServer;
  readonly service: FakeExportService;
}

/** Renders the app at `path` for a user with `actions`, over the export-service double. */
export function renderApp(
  path: string,
  actions: readonly string[],
  service = new FakeExportService(sampleEvents(Date.now())),
  grafana: GrafanaState = {}
): RenderedApp {
  const server = bootGrafana('jane', actions, service, grafana);
  locationService.push(path);
  const view = render(
    <GrafanaRouter>
      <Routes>
        <Route path={`${APP_BASE_PATH}/*`} element={<App {...appRootProps()} />} />
      </Routes>
    </GrafanaRouter>
  );
  return { ...view, server, service };
}
