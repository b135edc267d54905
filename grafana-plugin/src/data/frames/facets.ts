import { FieldType, type DataFrame } from '@grafana/data';
import type { FacetValue } from '../facets';

/** Facet values as a two-column frame (`value`, `count`); `exact` false while only suggestions are in. */
export function facetsFrame(field: string, values: readonly FacetValue[], exact: boolean): DataFrame {
  return {
    name: field,
    refId: `facets-${field}`,
    meta: { custom: { exact } },
    length: values.length,
    fields: [
      { name: 'value', type: FieldType.string, config: {}, values: values.map((v) => v.value) },
      { name: 'count', type: FieldType.number, config: {}, values: values.map((v) => v.count ?? null) },
    ],
  };
}

/** The values of a facets frame; `count` is absent for a suggestion. */
export function facetValuesOf(frame: DataFrame | undefined): FacetValue[] {
  if (!frame) return [];
  const [value, count] = ['value', 'count'].map((n) => frame.fields.find((f) => f.name === n)?.values ?? []);
  return Array.from({ length: frame.length }, (_, i) => {
    const c = count![i] as number | null;
    return c === null || c === undefined
      ? { value: String(value![i]) }
      : { value: String(value![i]), count: c };
  });
}

/** Whether the frame holds exact counts rather than suggestions. */
export function isExact(frame: DataFrame | undefined): boolean {
  return (frame?.meta?.custom as { exact?: boolean } | undefined)?.exact === true;
}
