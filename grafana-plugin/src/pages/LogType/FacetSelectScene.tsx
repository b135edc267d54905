import React from 'react';
import { Field, Select } from '@grafana/ui';
import { LoadingState, type SelectableValue } from '@grafana/data';
import {
  SceneObjectBase,
  sceneGraph,
  type SceneComponentProps,
  type SceneObjectState,
} from '@grafana/scenes';
import { attributeOfLokiField, valueLabel, type AttributeName, type FilterField } from '@auditlens/contract';
import type { AuditQueryRunner } from '../../data/AuditQueryRunner';
import type { FacetValue } from '../../data/facets';
import { facetValuesOf, isExact } from '../../data/frames/facets';
import { AuditLogView } from './AuditLogView';

interface FacetSelectState extends SceneObjectState {
  readonly field: FilterField;
  /** A manual facets runner: it asks when the dropdown opens, and keeps its answer for the range. */
  readonly $data: AuditQueryRunner;
}

/** One filter's dropdown: its values over the range (suggestions first, then exact counts), or any text. */
export class FacetSelectScene extends SceneObjectBase<FacetSelectState> {
  static Component = FacetSelectRenderer;

  /** Loads the values for the current range, unless they are already here. */
  onOpen(): void {
    this.state.$data.run();
  }
}

function FacetSelectRenderer({ model }: SceneComponentProps<FacetSelectScene>): React.JSX.Element {
  const { field, $data } = model.useState();
  const view = sceneGraph.getAncestor(model, AuditLogView);
  const value = view.useState().filters[field.key] ?? '';
  const { data } = $data.useState();
  const frame = data?.series[0];
  const error = data?.state === LoadingState.Error ? data.errors?.[0]?.message : undefined;
  const loading = data?.state === LoadingState.Loading || (data !== undefined && !error && !isExact(frame));
  const options = facetOptions(
    frame ? facetValuesOf(frame) : null,
    value,
    attributeOfLokiField(field.lokiField)
  );
  return (
    <Field label={field.label} invalid={!!error} error={error} noMargin>
      <Select
        inputId={`auditlens-filter-${field.key}`}
        aria-label={field.label}
        width={22}
        isClearable
        allowCustomValue
        placeholder="Any"
        isLoading={loading}
        options={options}
        value={value || null}
        onOpenMenu={() => model.onOpen()}
        onChange={(v: SelectableValue<string> | null) => view.setFilter(field.key, v?.value ?? '')}
        noOptionsMessage="No values in this range"
      />
    </Field>
  );
}

/**
 * Dropdown options: the current value first when the answer lacks it, then the values, with counts if known.
 * Each reads as the table shows it (the contract's label of a value of `attribute`); the filter keeps the value.
 */
export function facetOptions(
  values: readonly FacetValue[] | null,
  current: string,
  attribute?: AttributeName
): Array<SelectableValue<string>> {
  const label = (value: string) => (attribute === undefined ? value : valueLabel(attribute, value));
  const known: Array<SelectableValue<string>> = (values ?? []).map((v) => ({
    label: label(v.value),
    value: v.value,
    description: v.count === undefined ? undefined : `${v.count.toLocaleString()} events`,
  }));
  const missing =
    current && !known.some((o) => o.value === current) ? [{ label: label(current), value: current }] : [];
  return [...missing, ...known];
}
