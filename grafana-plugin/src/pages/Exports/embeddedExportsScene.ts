import { EmbeddedScene, SceneFlexItem, SceneFlexLayout } from '@grafana/scenes';
import { AuditQueryRunner } from '../../data/AuditQueryRunner';
import type { AuditDataSources } from '../../data/requests';
import { ExportsScene, POLL_MS } from './ExportsScene';

/** "My exports": the list, kept live by its runner; no time range, the list is the user's recent exports. */
export function exportsScene(sources: AuditDataSources): EmbeddedScene {
  return new EmbeddedScene({
    body: new SceneFlexLayout({
      children: [
        new SceneFlexItem({
          body: new ExportsScene({
            $data: new AuditQueryRunner({ request: { kind: 'exports', pollMs: POLL_MS }, sources }),
          }),
        }),
      ],
    }),
  });
}
