// The option registries Grafana fills at start-up (public/app/app.ts: `standardEditorsRegistry.setInit(
// getAllOptionEditors)` and `standardFieldConfigEditorRegistry.setInit(getAllStandardFieldConfigs)`, both from
// public/app/core/components/OptionsUI/registry.tsx). Panel plugins build their options from them, and
// applying a panel's field config (units, min, colours, overrides) runs the standard items' processors. The
// items and processors are Grafana's; the editors are left empty, as no panel editor opens here.
import {
  FieldType,
  ThresholdsMode,
  dataLinksOverrideProcessor,
  displayNameOverrideProcessor,
  identityOverrideProcessor,
  numberOverrideProcessor,
  standardEditorsRegistry,
  standardFieldConfigEditorRegistry,
  stringOverrideProcessor,
  thresholdsOverrideProcessor,
  valueMappingsOverrideProcessor,
  type FieldConfigPropertyItem,
  type StandardEditorsRegistryItem,
} from '@grafana/data';

const NO_EDITOR = (): null => null;

const EDITOR_IDS = [
  'text',
  'number',
  'slider',
  'boolean',
  'radio',
  'select',
  'unit',
  'links',
  'stats-picker',
  'strings',
  'timezone',
  'fieldColor',
  'color',
  'multi-select',
  'field-name',
  'dashboard-uid',
  'mappings',
  'thresholds',
];

function optionEditors(): StandardEditorsRegistryItem[] {
  return EDITOR_IDS.map((id) => ({ id, name: id, editor: NO_EDITOR }));
}

function standardFieldConfigs(): FieldConfigPropertyItem[] {
  const item = (
    id: string,
    process: FieldConfigPropertyItem['process'],
    shouldApply: FieldConfigPropertyItem['shouldApply'] = () => true,
    defaultValue?: unknown
  ): FieldConfigPropertyItem => ({
    id,
    path: id,
    name: id,
    editor: NO_EDITOR,
    override: NO_EDITOR,
    process,
    shouldApply,
    defaultValue,
    settings: {},
  });
  const numbers = (field: { type: FieldType }) => field.type === FieldType.number;
  return [
    item('unit', stringOverrideProcessor),
    item('min', numberOverrideProcessor, numbers),
    item('max', numberOverrideProcessor, numbers),
    item('decimals', numberOverrideProcessor, numbers),
    item('displayName', displayNameOverrideProcessor),
    item('color', identityOverrideProcessor),
    item('noValue', stringOverrideProcessor),
    item('links', dataLinksOverrideProcessor),
    item('mappings', valueMappingsOverrideProcessor, (field) => field.type !== FieldType.time, []),
    item('thresholds', thresholdsOverrideProcessor, () => true, {
      mode: ThresholdsMode.Absolute,
      steps: [
        { value: -Infinity, color: 'green' },
        { value: 80, color: 'red' },
      ],
    }),
  ];
}

/** Fills Grafana's option registries as its start-up does. */
export function initGrafanaOptionRegistries(): void {
  standardEditorsRegistry.setInit(optionEditors);
  standardFieldConfigEditorRegistry.setInit(standardFieldConfigs);
}
