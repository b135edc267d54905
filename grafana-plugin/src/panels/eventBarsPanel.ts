import { PanelBuilders, type SceneObject, type VizPanel } from '@grafana/scenes';
import {
  DrawStyle,
  LegendDisplayMode,
  StackingMode,
  TooltipDisplayMode,
  type VizTooltipOptions,
} from '@grafana/ui';
/**
 * Colours that read at a glance, whatever order the series come in: failures (`failure`, `login_failed`) red,
 * successes green; other series take the palette.
 */
const SERIES_COLORS: ReadonlyArray<{ readonly pattern: string; readonly color: string }> = [
  { pattern: '^(failure|.*_failed)$', color: 'red' },
  { pattern: '^success$', color: 'green' },
];

/** Options of {@link eventBarsPanel}. */
export interface EventBarsOptions {
  readonly title: string;
  /** A legend below with each series' total. Default true; small tiles leave it out. */
  readonly legend?: boolean;
  /** Controls in the panel's header (the chart's split). */
  readonly headerActions?: SceneObject;
  /** No background or border, for a chart inside a tile. Default false. */
  readonly transparent?: boolean;
}

/**
 * Grafana's time series panel drawing events per step as stacked bars; its data comes from the nearest
 * `$data` above it (an AuditQueryRunner of counts).
 */
export function eventBarsPanel({
  title,
  legend = true,
  headerActions,
  transparent,
}: EventBarsOptions): VizPanel {
  const builder = PanelBuilders.timeseries()
    .setTitle(title)
    .setUnit('none')
    .setDecimals(0)
    .setMin(0)
    .setCustomFieldConfig('drawStyle', DrawStyle.Bars)
    .setCustomFieldConfig('stacking', { mode: StackingMode.Normal, group: 'A' })
    .setCustomFieldConfig('fillOpacity', 85)
    // No outline: a bucket with no events draws nothing rather than a hairline.
    .setCustomFieldConfig('lineWidth', 0)
    .setOption('tooltip', { mode: TooltipDisplayMode.Multi, sort: 'desc' as VizTooltipOptions['sort'] })
    .setOption(
      'legend',
      legend
        ? // A table, not a list: the list's items are named "All series selected" whatever they show, which
          // fails WCAG's label-in-name (axe: label-content-name-mismatch); the table's are named by the series.
          { showLegend: true, displayMode: LegendDisplayMode.Table, placement: 'right', calcs: ['sum'] }
        : { showLegend: false, displayMode: LegendDisplayMode.Hidden, placement: 'bottom', calcs: [] }
    )
    .setOverrides((b) => {
      for (const { pattern, color } of SERIES_COLORS)
        b.matchFieldsWithNameByRegex(pattern).overrideColor({ mode: 'fixed', fixedColor: color });
    });
  if (headerActions) builder.setHeaderActions(headerActions);
  if (transparent) builder.setDisplayMode('transparent');
  return builder.build();
}
