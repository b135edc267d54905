import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { LOKI } from './variables';

/** How Grafana runs a Loki query: over the time range in steps (charts, logs) or once at its end (totals). */
export type QueryKind = 'range' | 'instant';

/** One Loki query of a panel, on the dashboard's Loki data source. */
export function lokiQuery(expr: string, kind: QueryKind, legendFormat?: string): loki.DataqueryBuilder {
  const query = new loki.DataqueryBuilder()
    .refId('A')
    .datasource(LOKI)
    .expr(expr)
    .queryType(kind === 'range' ? loki.LokiQueryType.Range : loki.LokiQueryType.Instant)
    .editorMode(loki.QueryEditorMode.Code);
  return legendFormat === undefined ? query : query.legendFormat(legendFormat);
}

/** Stacked bars of event counts per step, one series per value of `field`. */
export function countsOverTime(title: string, expr: string, field: string): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(title)
    .datasource(LOKI)
    .withTarget(lokiQuery(expr, 'range', `{{${field}}}`))
    .drawStyle(common.GraphDrawStyle.Bars)
    .fillOpacity(80)
    .lineWidth(1)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom)
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending)
    )
    .unit('short')
    .decimals(0);
}

/**
 * Horizontal bars of the top values of `field` over the time range. A bar gauge draws one bar per series, so
 * Loki's instant vector (one series per value, named by the legend) needs no transformation; `links` lead from
 * a bar to the app page filtered on that value.
 */
export function topValues(
  title: string,
  expr: string,
  field: string,
  links: ReadonlyArray<cog.Builder<dashboard.DashboardLink>> = []
): bargauge.PanelBuilder {
  const panel = new bargauge.PanelBuilder()
    .title(title)
    .datasource(LOKI)
    .withTarget(lokiQuery(expr, 'instant', `{{${field}}}`))
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .namePlacement(common.BarGaugeNamePlacement.Top)
    .showUnfilled(true)
    .reduceOptions(new common.ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']))
    .min(0)
    .unit('short')
    .decimals(0)
    .noValue('No events');
  return links.length ? panel.dataLinks([...links]) : panel;
}

/** The events themselves, newest first, with each event's structured metadata a click away. */
export function eventLog(title: string, expr: string): logs.PanelBuilder {
  return new logs.PanelBuilder()
    .title(title)
    .datasource(LOKI)
    .withTarget(lokiQuery(expr, 'range').maxLines(1000))
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None);
}

/** One number: the events of `expr` over the time range; `links` lead to where they can be read. */
export function eventTotal(
  title: string,
  expr: string,
  links: ReadonlyArray<cog.Builder<dashboard.DashboardLink>> = []
): stat.PanelBuilder {
  const panel = new stat.PanelBuilder()
    .title(title)
    .datasource(LOKI)
    .withTarget(lokiQuery(expr, 'instant'))
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.None)
    .textMode(common.BigValueTextMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']))
    .unit('short')
    .decimals(0)
    .noValue('0');
  return links.length ? panel.links([...links]) : panel;
}
