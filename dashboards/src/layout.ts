import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** Width of Grafana's dashboard grid. */
export const GRID_WIDTH = 24;

/** A panel builder the layout can place: every SDK panel builder is one. */
export interface PlaceablePanel extends cog.Builder<dashboard.Panel> {
  id(id: number): unknown;
  gridPos(gridPos: dashboard.GridPos): unknown;
}

/** A panel and the size it takes on the grid. */
export interface Cell {
  readonly panel: PlaceablePanel;
  readonly width: number;
  readonly height: number;
}

/**
 * Places rows of panels top to bottom, each row left to right, and numbers the panels 1, 2, ... in that order
 * (stable ids keep `viewPanel=` links working across revisions). The SDK's own auto-layout in
 * `DashboardBuilder.withPanel` wraps a row only after it overflows, so a full-width panel after a partial row
 * would start mid-row; explicit positions avoid that.
 */
export function placeRows(rows: ReadonlyArray<readonly Cell[]>): PlaceablePanel[] {
  const placed: PlaceablePanel[] = [];
  let y = 0;
  for (const row of rows) {
    let x = 0;
    let rowHeight = 0;
    for (const cell of row) {
      if (x + cell.width > GRID_WIDTH) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      cell.panel.id(placed.length + 1);
      cell.panel.gridPos({ x, y, w: cell.width, h: cell.height });
      placed.push(cell.panel);
      x += cell.width;
      rowHeight = Math.max(rowHeight, cell.height);
    }
    y += rowHeight;
  }
  return placed;
}
