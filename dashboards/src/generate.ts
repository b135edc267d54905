// `npm run generate -w dashboards`: rewrites json/ from the builders. Unchanged dashboards keep their revision,
// changed ones get the next; files of dashboards no longer built are removed.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARD_JSON_DIR, buildDashboards, dashboardFileText } from './build';

const boards = buildDashboards();
mkdirSync(DASHBOARD_JSON_DIR, { recursive: true });
for (const name of readdirSync(DASHBOARD_JSON_DIR)) {
  if (name.endsWith('.json') && !(name in boards)) rmSync(join(DASHBOARD_JSON_DIR, name));
}
for (const [file, board] of Object.entries(boards)) {
  writeFileSync(join(DASHBOARD_JSON_DIR, file), dashboardFileText(board));
  console.log(`${file}: ${board.title} (uid ${board.uid}, revision ${board.revision})`);
}
