// Grafana's core panels as plugin code meets them: Grafana sets `setPluginImportUtils` of @grafana/runtime at
// start-up (public/app/features/plugins/importPanelPlugin.ts) and scenes' VizPanel loads `timeseries` through
// it. The only core panel the app uses is the time series panel; this stand-in follows
// public/app/plugins/panel/timeseries/module.tsx and config.ts: the same field config (registered with
// @grafana/ui's commonOptionsBuilder and the defaults of `defaultGraphConfig`), the same legend and tooltip
// options, and TimeSeriesPanel's drawing through @grafana/ui's TimeSeries (uPlot). Grafana's tooltip plugin,
// annotations and data links live in Grafana's core and are left out.
import React from 'react';
import {
  FieldColorModeId,
  FieldConfigProperty,
  PanelPlugin,
  PluginType,
  type PanelPluginMeta,
  type PanelProps,
} from '@grafana/data';
import { setPluginImportUtils } from '@grafana/runtime';
import { initGrafanaOptionRegistries } from './grafanaOptionRegistries';
import {
  BarAlignment,
  DrawStyle,
  GraphGradientMode,
  LineInterpolation,
  StackingMode,
  TimeSeries,
  commonOptionsBuilder,
  graphFieldOptions,
  type GraphFieldConfig,
  type VizLegendOptions,
  type VizTooltipOptions,
} from '@grafana/ui';

/** `defaultGraphConfig` of Grafana's time series panel (config.ts). */
const DEFAULT_GRAPH: GraphFieldConfig = {
  drawStyle: DrawStyle.Line,
  lineInterpolation: LineInterpolation.Linear,
  lineWidth: 1,
  fillOpacity: 0,
  gradientMode: GraphGradientMode.None,
  barAlignment: BarAlignment.Center,
  barWidthFactor: 0.6,
  stacking: { mode: StackingMode.None, group: 'A' },
  axisGridShow: true,
  axisCenteredZero: false,
  axisBorderShow: false,
};

interface TimeSeriesOptions {
  readonly legend: VizLegendOptions;
  readonly tooltip: VizTooltipOptions;
}

function TimeSeriesPanel({
  data,
  timeRange,
  timeZone,
  width,
  height,
  options,
}: PanelProps<TimeSeriesOptions>): React.JSX.Element {
  if (data.series.length === 0) return <div className="panel-empty">No data</div>;
  return (
    <TimeSeries
      frames={data.series}
      structureRev={data.structureRev}
      timeRange={timeRange}
      timeZone={timeZone}
      width={width}
      height={height}
      legend={options.legend}
      options={options}
    />
  );
}

function timeSeriesPlugin(): PanelPlugin {
  const plugin = new PanelPlugin<TimeSeriesOptions, GraphFieldConfig>(TimeSeriesPanel)
    .useFieldConfig({
      standardOptions: {
        [FieldConfigProperty.Color]: {
          settings: { byValueSupport: true, bySeriesSupport: true, preferThresholdsMode: false },
          defaultValue: { mode: FieldColorModeId.PaletteClassic },
        },
      },
      useCustomConfig: (builder) => {
        builder
          .addRadio({
            path: 'drawStyle',
            name: 'Style',
            defaultValue: DEFAULT_GRAPH.drawStyle,
            settings: { options: graphFieldOptions.drawStyle },
          })
          .addRadio({
            path: 'lineInterpolation',
            name: 'Line interpolation',
            defaultValue: DEFAULT_GRAPH.lineInterpolation,
            settings: { options: graphFieldOptions.lineInterpolation },
          })
          .addRadio({
            path: 'barAlignment',
            name: 'Bar alignment',
            defaultValue: DEFAULT_GRAPH.barAlignment,
            settings: { options: graphFieldOptions.barAlignment },
          })
          .addSliderInput({ path: 'barWidthFactor', name: 'Bar width factor', defaultValue: 0.6 })
          .addSliderInput({ path: 'lineWidth', name: 'Line width', defaultValue: DEFAULT_GRAPH.lineWidth })
          .addSliderInput({
            path: 'fillOpacity',
            name: 'Fill opacity',
            defaultValue: DEFAULT_GRAPH.fillOpacity,
          })
          .addRadio({
            path: 'gradientMode',
            name: 'Gradient mode',
            defaultValue: graphFieldOptions.fillGradient[0]!.value,
            settings: { options: graphFieldOptions.fillGradient },
          })
          .addRadio({
            path: 'showPoints',
            name: 'Show points',
            defaultValue: graphFieldOptions.showPoints[0]!.value,
            settings: { options: graphFieldOptions.showPoints },
          })
          .addSliderInput({ path: 'pointSize', name: 'Point size', defaultValue: 5 });
        commonOptionsBuilder.addStackingConfig(builder, DEFAULT_GRAPH.stacking);
        commonOptionsBuilder.addAxisConfig(builder, DEFAULT_GRAPH);
        commonOptionsBuilder.addHideFrom(builder);
      },
    })
    .setPanelOptions((builder) => {
      commonOptionsBuilder.addTooltipOptions(builder, false, true);
      commonOptionsBuilder.addLegendOptions(builder);
    });
  plugin.meta = {
    id: 'timeseries',
    name: 'Time series',
    type: PluginType.panel,
    sort: 0,
    module: 'core:plugin/timeseries',
    baseUrl: 'public/app/plugins/panel/timeseries',
    info: {
      author: { name: 'Grafana Labs' },
      description: 'Time based line, area and bar charts',
      links: [],
      logos: { small: '', large: '' },
      screenshots: [],
      updated: '',
      version: '',
    },
  } as PanelPluginMeta;
  return plugin;
}

const CORE_PANELS: Readonly<Record<string, () => PanelPlugin>> = { timeseries: timeSeriesPlugin };
const loaded = new Map<string, PanelPlugin>();
let registered = false;

/** Lets plugin code load Grafana's core panels, as Grafana's start-up does (once: runtime allows no more). */
export function registerGrafanaPanels(): void {
  if (registered) return;
  registered = true;
  initGrafanaOptionRegistries();
  const get = (id: string): PanelPlugin | undefined => {
    const make = CORE_PANELS[id];
    if (!make) return undefined;
    if (!loaded.has(id)) loaded.set(id, make());
    return loaded.get(id);
  };
  setPluginImportUtils({
    importPanelPlugin: async (id) => {
      const plugin = get(id);
      if (!plugin) throw new Error(`Panel plugin not found: ${id}`);
      return plugin;
    },
    getPanelPluginFromCache: get,
  });
}
