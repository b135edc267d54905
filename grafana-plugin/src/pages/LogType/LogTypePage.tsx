import React, { useEffect, useState } from 'react';
import { Alert, Button, Input, LoadingPlaceholder } from '@grafana/ui';
import { LOG_TYPE_TITLES, type AuditRow, type LogType } from '@auditlens/contract';
import { AuditLensApi } from '../../api/client';
import { testIds } from '../../testIds';

interface Props {
  readonly logType: LogType;
  readonly canExport: boolean;
}

/** One log type's events, newest first, with a free-text filter and cursor paging (last 24 hours). */
export function LogTypePage({ logType, canExport }: Props): React.JSX.Element {
  const [api] = useState(() => new AuditLensApi());
  const [q, setQ] = useState('');
  const [rows, setRows] = useState<readonly AuditRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');

  useEffect(() => {
    let live = true;
    const to = Date.now();
    setState('loading');
    api
      .logs(logType, { from: to - 24 * 3600_000, to, filters: {}, q, limit: 100 })
      .then((res) => {
        if (!live) return;
        setRows(res.rows);
        setCursor(res.nextCursor);
        setState('ready');
      })
      .catch(() => live && setState('error'));
    return () => {
      live = false;
    };
  }, [api, logType, q]);

  return (
    <div>
      <h2>{LOG_TYPE_TITLES[logType]}</h2>
      <Input placeholder="Contains…" aria-label="Search" onBlur={(e) => setQ(e.currentTarget.value)} />
      {canExport && (
        <Button data-testid={testIds.exportButton} variant="secondary" icon="download-alt">
          Export
        </Button>
      )}
      {state === 'loading' && <LoadingPlaceholder text="Loading audit logs…" />}
      {state === 'error' && <Alert title="Could not load audit logs" severity="error" />}
      {state === 'ready' && rows.length === 0 && <p>No events in this range.</p>}
      {state === 'ready' && rows.length > 0 && (
        <table data-testid={testIds.logTable}>
          <thead>
            <tr>
              <th>When</th>
              <th>Where</th>
              <th>Actor</th>
              <th>Action</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{new Date(r.time).toLocaleString()}</td>
                <td>{r.fields['client_address'] ?? ''}</td>
                <td>{r.fields['user_name'] ?? ''}</td>
                <td>{r.fields['audit_action'] ?? ''}</td>
                <td>{r.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && <p>More events are available.</p>}
    </div>
  );
}
