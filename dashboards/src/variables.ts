import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { FILTER_FIELDS, SERVICE_NAME_ATTR, lokiFieldName, type LogType } from '@auditlens/contract';

/** Name of the data source variable every panel queries through. */
export const DATASOURCE_VARIABLE = 'datasource';
/** Name of the variable picking the emitting services (`service_name`); "All" by default. */
export const SERVICE_VARIABLE = 'service';
/** Name of the free-text "contains" variable of a log type's dashboard; empty by default. */
export const SEARCH_VARIABLE = 'search';

/** The Loki data source as every panel and query names it: the dashboard's data source variable. */
export const LOKI: common.DataSourceRef = { type: 'loki', uid: `\${${DATASOURCE_VARIABLE}}` };

/** What a text-box filter holds until someone types in it: a regex matching every value. */
export const MATCH_ALL = '.*';

// Loki's variable editor stores label-value queries as {type: 1 (LabelValues), label, stream}
// (grafana/grafana public/app/plugins/datasource/loki/types.ts, LokiVariableQueryType).
const LOKI_LABEL_VALUES = 1;

/**
 * The dashboard's variables: the Loki data source (resolved by Grafana to a data source of type `loki`, so the
 * dashboard needs no `__inputs` and imports as is), the services, and for a log type's dashboard one text box per
 * filter of the app's page (same keys as `FILTER_FIELDS`) plus the free-text search.
 */
export function variables(logType?: LogType): Array<cog.Builder<dashboard.VariableModel>> {
  const list: Array<cog.Builder<dashboard.VariableModel>> = [
    new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Loki').type('loki'),
    new dashboard.QueryVariableBuilder(SERVICE_VARIABLE)
      .label('Service')
      .datasource(LOKI)
      .query({ type: LOKI_LABEL_VALUES, label: lokiFieldName(SERVICE_NAME_ATTR), stream: '' })
      .includeAll(true)
      .allValue('.+')
      .current({ text: 'All', value: '$__all' })
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged),
  ];
  if (!logType) return list;
  for (const field of FILTER_FIELDS[logType]) {
    list.push(
      new dashboard.TextBoxVariableBuilder(field.key)
        .label(`${field.label} (regex)`)
        .defaultValue(MATCH_ALL)
        .current({ text: MATCH_ALL, value: MATCH_ALL })
    );
  }
  list.push(
    new dashboard.TextBoxVariableBuilder(SEARCH_VARIABLE)
      .label('Contains')
      .defaultValue('')
      .current({ text: '', value: '' })
  );
  return list;
}
