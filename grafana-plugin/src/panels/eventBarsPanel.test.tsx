import { eventBarsPanel } from './eventBarsPanel';

describe('eventBarsPanel', () => {
  it('is Grafana’s time series panel drawing stacked bars, failures red, with totals in its legend', () => {
    const panel = eventBarsPanel({ title: 'Events over time' });
    const { pluginId, fieldConfig, options, title } = panel.state;
    expect(pluginId).toBe('timeseries');
    expect(title).toBe('Events over time');
    expect(fieldConfig.defaults.custom).toMatchObject({ drawStyle: 'bars', stacking: { mode: 'normal' } });
    expect(fieldConfig.defaults.min).toBe(0);
    expect(options).toMatchObject({ legend: { showLegend: true, displayMode: 'table', calcs: ['sum'] } });
    const colors = fieldConfig.overrides.map((o) => [o.matcher.options, o.properties[0]?.value]);
    expect(colors).toEqual([
      ['^(failure|.*_failed)$', { mode: 'fixed', fixedColor: 'red' }],
      ['^success$', { mode: 'fixed', fixedColor: 'green' }],
    ]);
  });

  it('leaves the legend out and blends into a tile when asked', () => {
    const panel = eventBarsPanel({ title: '', legend: false, transparent: true });
    expect(panel.state.options).toMatchObject({ legend: { showLegend: false } });
    expect(panel.state.displayMode).toBe('transparent');
  });
});
