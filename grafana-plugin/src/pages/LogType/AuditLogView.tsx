import React, { useState } from 'react';
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
import { IntegrityLine } from '../../components/IntegrityLine/IntegrityLine';
import { testIds } from '../../testIds';
import { EventsChart } from './EventsChart';
import { FilterBar } from './FilterBar';
import { LogTable } from './LogTable';

interface AuditLogViewState extends SceneObjectState {
  readonly logType: LogType;
  readonly canExport: boolean;
  /** Exact-match filters by key (FILTER_FIELDS); absent or '' means any. */
  readonly filters: Readonly<Record<string, string>>;
  readonly q: string;
}

/**
 * A log type's page body: filters, chart, table and export, over the scene's time range. Its filters live in
 * the URL (one query key per filter, and `q`), so a view can be shared and reloads the same.
 */
export class AuditLogView extends SceneObjectBase<AuditLogViewState> {
  static Component = AuditLogViewRenderer;
  protected override _urlSync = new SceneObjectUrlSyncConfig(this, { keys: () => this.urlKeys() });

  private urlKeys(): string[] {
    return [...FILTER_FIELDS[this.state.logType].map((f) => f.key), TEXT_FILTER_KEY];
  }

  getUrlState(): SceneObjectUrlValues {
    const values: SceneObjectUrlValues = {};
    for (const f of FILTER_FIELDS[this.state.logType]) values[f.key] = this.state.filters[f.key] || undefined;
    values[TEXT_FILTER_KEY] = this.state.q || undefined;
    return values;
  }

  updateFromUrl(values: SceneObjectUrlValues): void {
    const filters: Record<string, string> = {};
    for (const f of FILTER_FIELDS[this.state.logType]) {
      const v = values[f.key];
      if (typeof v === 'string' && v) filters[f.key] = v;
    }
    const q = values[TEXT_FILTER_KEY];
    this.setState({ filters, q: typeof q === 'string' ? q : '' });
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
}

function AuditLogViewRenderer({ model }: SceneComponentProps<AuditLogView>): React.JSX.Element {
  const { logType, filters, q, canExport } = model.useState();
  const timeRange = sceneGraph.getTimeRange(model);
  const { value: range } = timeRange.useState();
  const timeZone = timeRange.getTimeZone();
  const styles = useStyles2(getStyles);
  const [exporting, setExporting] = useState(false);
  const query = { from: range.from.valueOf(), to: range.to.valueOf(), filters, q };

  return (
    <div className={styles.view}>
      <div className={styles.top}>
        <FilterBar
          logType={logType}
          filters={filters}
          q={q}
          from={query.from}
          to={query.to}
          onFilter={(k, v) => model.setFilter(k, v)}
          onSearch={(text) => model.setText(text)}
        />
        {canExport && (
          <Button
            icon="download-alt"
            variant="secondary"
            onClick={() => setExporting(true)}
            data-testid={testIds.exportButton}
          >
            Export
          </Button>
        )}
      </div>
      <IntegrityLine logType={logType} from={query.from} to={query.to} />
      <EventsChart logType={logType} query={query} timeZone={timeZone} />
      <LogTable logType={logType} query={query} timeZone={timeZone} />
      {exporting && (
        <ExportDialog
          logType={logType}
          range={{ from: query.from, to: query.to }}
          filters={filters}
          q={q}
          timeZone={timeZone}
          onDismiss={() => setExporting(false)}
        />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  view: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), width: '100%' }),
  top: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
  }),
});
