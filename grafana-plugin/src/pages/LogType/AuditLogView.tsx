import React from 'react';
import { css } from '@emotion/css';
import { Button, useStyles2 } from '@grafana/ui';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  SceneObjectBase,
  SceneObjectUrlSyncConfig,
  sceneGraph,
  type SceneComponentProps,
  type SceneObjectState,
  type SceneObjectUrlValues,
} from '@grafana/scenes';
import { FILTER_FIELDS, TEXT_FILTER_KEY, type LogType } from '@auditlens/contract';
import { ExportDialog } from '../../components/ExportDialog/ExportDialog';
import type { QueryFilterSource } from '../../data/AuditQueryRunner';
import { EVENT_PARAM } from '../../constants';
import { testIds } from '../../testIds';
import type { EventsChartScene } from './EventsChartScene';
import type { FacetSelectScene } from './FacetSelectScene';
import type { LogTableScene } from './LogTableScene';
import { SearchInput } from './SearchInput';

interface AuditLogViewState extends SceneObjectState {
  readonly logType: LogType;
  readonly canExport: boolean;
  /** Exact-match filters by key (FILTER_FIELDS); absent or '' means any. */
  readonly filters: Readonly<Record<string, string>>;
  readonly q: string;
  /** The event whose details are open (`?event=`), so a link can open them. */
  readonly event?: string;
  readonly exporting?: boolean;
  readonly facets: readonly FacetSelectScene[];
  readonly chart: EventsChartScene;
  readonly table: LogTableScene;
}

/**
 * A log type's page body: filters, chart, table and export, over the scene's time range. Its filters (one query
 * key each, and `q`) and the open event live in the URL, so a view can be shared and reloads the same. The
 * chart's and the table's runners take the filters from here.
 */
export class AuditLogView extends SceneObjectBase<AuditLogViewState> implements QueryFilterSource {
  static Component = AuditLogViewRenderer;
  protected override _urlSync = new SceneObjectUrlSyncConfig(this, { keys: () => this.urlKeys() });

  private urlKeys(): string[] {
    return [...FILTER_FIELDS[this.state.logType].map((f) => f.key), TEXT_FILTER_KEY, EVENT_PARAM];
  }

  getUrlState(): SceneObjectUrlValues {
    const values: SceneObjectUrlValues = {};
    for (const f of FILTER_FIELDS[this.state.logType]) values[f.key] = this.state.filters[f.key] || undefined;
    values[TEXT_FILTER_KEY] = this.state.q || undefined;
    values[EVENT_PARAM] = this.state.event || undefined;
    return values;
  }

  updateFromUrl(values: SceneObjectUrlValues): void {
    const filters: Record<string, string> = {};
    for (const f of FILTER_FIELDS[this.state.logType]) {
      const v = values[f.key];
      if (typeof v === 'string' && v) filters[f.key] = v;
    }
    const q = values[TEXT_FILTER_KEY];
    const event = values[EVENT_PARAM];
    this.setState({
      filters,
      q: typeof q === 'string' ? q : '',
      event: typeof event === 'string' && event ? event : undefined,
    });
  }

  queryFilters(): { filters: Readonly<Record<string, string>>; q: string } {
    return { filters: this.state.filters, q: this.state.q };
  }

  /** Sets one filter; '' clears it. */
  setFilter(key: string, value: string): void {
    const filters = { ...this.state.filters };
    if (value) filters[key] = value;
    else delete filters[key];
    this.setState({ filters });
  }

  setText(q: string): void {
    this.setState({ q });
  }

  /** Opens one event's details, or closes them with undefined. */
  setEvent(event: string | undefined): void {
    this.setState({ event });
  }

  setExporting(exporting: boolean): void {
    this.setState({ exporting });
  }
}

function AuditLogViewRenderer({ model }: SceneComponentProps<AuditLogView>): React.JSX.Element {
  const { logType, filters, q, canExport, exporting, facets, chart, table } = model.useState();
  const timeRange = sceneGraph.getTimeRange(model);
  const { value: range } = timeRange.useState();
  const styles = useStyles2(getStyles);

  return (
    <div className={styles.view}>
      <div className={styles.top}>
        <div className={styles.filters} data-testid={testIds.filterBar} role="search" aria-label="Filters">
          {facets.map((facet) => (
            <facet.Component key={facet.state.key} model={facet} />
          ))}
          <SearchInput value={q} onSearch={(text) => model.setText(text)} />
        </div>
        {canExport && (
          <Button
            icon="download-alt"
            variant="secondary"
            onClick={() => model.setExporting(true)}
            data-testid={testIds.exportButton}
          >
            Export
          </Button>
        )}
      </div>
      <chart.Component model={chart} />
      <table.Component model={table} />
      {exporting && (
        <ExportDialog
          logType={logType}
          range={{ from: range.from.valueOf(), to: range.to.valueOf() }}
          filters={filters}
          q={q}
          timeZone={timeRange.getTimeZone()}
          onDismiss={() => model.setExporting(false)}
        />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  view: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2), width: '100%' }),
  top: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
  }),
  filters: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(1, 2), alignItems: 'flex-end' }),
});
