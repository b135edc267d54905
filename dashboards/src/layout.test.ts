import * as text from '@grafana/grafana-foundation-sdk/text';
import { GRID_WIDTH, placeRows } from './layout';

const cell = (title: string, width: number, height = 4) => ({
  panel: new text.PanelBuilder().title(title),
  width,
  height,
});

describe('placeRows', () => {
  it('places rows top to bottom, wraps a row wider than the grid, and numbers panels in order', () => {
    const panels = placeRows([
      [cell('a', GRID_WIDTH, 8)],
      [cell('b', 8), cell('c', 8), cell('d', 8), cell('e', 8, 6)],
      [cell('f', GRID_WIDTH, 14)],
    ]).map((p) => p.build());
    expect(panels.map((p) => [p.title, p.id, p.gridPos])).toEqual([
      ['a', 1, { x: 0, y: 0, w: 24, h: 8 }],
      ['b', 2, { x: 0, y: 8, w: 8, h: 4 }],
      ['c', 3, { x: 8, y: 8, w: 8, h: 4 }],
      ['d', 4, { x: 16, y: 8, w: 8, h: 4 }],
      ['e', 5, { x: 0, y: 12, w: 8, h: 6 }],
      ['f', 6, { x: 0, y: 18, w: 24, h: 14 }],
    ]);
  });

  it('starts every row below the tallest panel of the row before', () => {
    const panels = placeRows([[cell('a', 16, 8), cell('b', 8, 12)], [cell('c', 24, 2)]]).map((p) =>
      p.build()
    );
    expect(panels[2]!.gridPos).toEqual({ x: 0, y: 12, w: 24, h: 2 });
  });
});
