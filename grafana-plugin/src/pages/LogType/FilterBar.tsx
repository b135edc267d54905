import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import { Field, Icon, Input, Select, useStyles2 } from '@grafana/ui';
import type { GrafanaTheme2, SelectableValue } from '@grafana/data';
import { FILTER_FIELDS, type FilterField, type LogType } from '@auditlens/contract';
import { useApi } from '../../api/ApiContext';
import { errorMessage } from '../../api/errorMessage';
import { testIds } from '../../testIds';

interface Props {
  readonly logType: LogType;
  readonly filters: Readonly<Record<string, string>>;
  readonly q: string;
  readonly from: number;
  readonly to: number;
  readonly onFilter: (key: string, value: string) => void;
  readonly onSearch: (q: string) => void;
}

/** The log type's filters: a dropdown per field filled from the facets route, and free-text search. */
export function FilterBar({ logType, filters, q, from, to, onFilter, onSearch }: Props): React.JSX.Element {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.bar} data-testid={testIds.filterBar}>
      {FILTER_FIELDS[logType].map((f) => (
        <FacetSelect
          key={f.key}
          logType={logType}
          field={f}
          value={filters[f.key] ?? ''}
          from={from}
          to={to}
          onChange={(v) => onFilter(f.key, v)}
        />
      ))}
      <SearchInput value={q} onSearch={onSearch} />
    </div>
  );
}

function FacetSelect({
  logType,
  field,
  value,
  from,
  to,
  onChange,
}: {
  logType: LogType;
  field: FilterField;
  value: string;
  from: number;
  to: number;
  onChange: (value: string) => void;
}): React.JSX.Element {
  const api = useApi();
  const [options, setOptions] = useState<Array<SelectableValue<string>> | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);

  // Values depend on the range; reload them on the next open after it changes.
  useEffect(() => setOptions(null), [from, to]);

  const load = (): void => {
    if (options || loading) return;
    setLoading(true);
    api.facets(logType, field.key, from, to).then(
      (res) => {
        setOptions(
          res.values.map((v) => ({ label: v.value, value: v.value, description: `${v.count} events` }))
        );
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        setError(errorMessage(e));
        setOptions([]);
        setLoading(false);
      }
    );
  };

  const current = value ? [{ label: value, value }] : [];
  const merged = options
    ? [...current.filter((c) => !options.some((o) => o.value === c.value)), ...options]
    : current;
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
        options={merged}
        value={value || null}
        onOpenMenu={load}
        onChange={(v: SelectableValue<string> | null) => onChange(v?.value ?? '')}
        noOptionsMessage="No values in this range"
      />
    </Field>
  );
}

function SearchInput({
  value,
  onSearch,
}: {
  value: string;
  onSearch: (q: string) => void;
}): React.JSX.Element {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const apply = (): void => {
    if (text.trim() !== value) onSearch(text.trim());
  };
  return (
    <Field label="Contains" noMargin>
      <Input
        aria-label="Search text"
        placeholder="Text in the description"
        prefix={<Icon name="search" />}
        width={30}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        onBlur={apply}
        onKeyDown={(e) => e.key === 'Enter' && apply()}
      />
    </Field>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  bar: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1, 2),
    marginBottom: theme.spacing(2),
    alignItems: 'flex-end',
  }),
});
