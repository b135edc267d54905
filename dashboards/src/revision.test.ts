import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { buildDashboards } from './build';
import { DASHBOARDS } from './catalogue';
import { FIRST_REVISION, withRevision } from './revision';

const board = (title: string): dashboard.Dashboard => DASHBOARDS[0]!.build().title(title).build();
/** What the generator wrote last time: the dashboard as JSON, read back. */
const written = (d: dashboard.Dashboard): unknown => JSON.parse(JSON.stringify(d));

describe('withRevision', () => {
  it('starts a dashboard never written before at revision 1', () => {
    expect(withRevision(board('A'), undefined).revision).toBe(FIRST_REVISION);
  });

  it('keeps the revision of an unchanged dashboard, whatever order its JSON keys were read back in', () => {
    const previous = written({ ...board('A'), revision: 7 }) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(previous).reverse());
    expect(withRevision(board('A'), reordered).revision).toBe(7);
  });

  it('gives a changed dashboard the next revision, so Grafana re-imports it on a plugin update', () => {
    expect(withRevision(board('B'), written({ ...board('A'), revision: 7 })).revision).toBe(8);
  });

  it('ignores a revision the builder set itself', () => {
    const next = { ...board('A'), revision: 99 };
    expect(withRevision(next, written({ ...board('A'), revision: 3 })).revision).toBe(3);
  });
});

describe('buildDashboards', () => {
  it('bumps only the dashboards that differ from what was written before', () => {
    const first = buildDashboards(() => undefined);
    const files = Object.keys(first);
    const [changed, ...same] = files as [string, ...string[]];
    const previous = (file: string): unknown => {
      const json = written(first[file]!) as { title: string; revision: number };
      return file === changed ? { ...json, title: `${json.title} (old)`, revision: 4 } : json;
    };
    const second = buildDashboards(previous);
    expect(second[changed]!.revision).toBe(5);
    for (const file of same) expect(second[file]!.revision).toBe(FIRST_REVISION);
  });
});
