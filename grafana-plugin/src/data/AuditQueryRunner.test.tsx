import { LoadingState } from '@grafana/data';
import { EmbeddedScene, SceneFlexLayout, SceneTimeRange } from '@grafana/scenes';
import type { LogsResponse, StatsResponse } from '@auditlens/contract';
import type { AuditLensApi } from '../api/client';
import type { GrafanaAlerting } from '../api/alerting';
import { AuditQueryRunner } from './AuditQueryRunner';
import type { FacetSource, FacetValue } from './facets';
import { facetValuesOf, isExact } from './frames/facets';
import { rowsOf } from './frames/rows';
import type { AuditRequest } from './requests';

/** A promise and the functions that settle it, for answers that arrive when a test says. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function runnerIn(
  request: AuditRequest,
  api: Partial<AuditLensApi>,
  extra: { facets?: FacetSource[]; manual?: boolean } = {}
) {
  const timeRange = new SceneTimeRange({ from: 'now-1h', to: 'now' });
  const runner = new AuditQueryRunner({
    request,
    sources: { api: api as AuditLensApi, alerting: {} as GrafanaAlerting, facets: extra.facets ?? [] },
    runQueriesMode: extra.manual ? 'manual' : 'auto',
  });
  const scene = new EmbeddedScene({
    $timeRange: timeRange,
    $data: runner,
    body: new SceneFlexLayout({ children: [] }),
  });
  const deactivate = scene.activate();
  return { runner, timeRange, deactivate };
}

const row = (id: string) => ({
  id,
  timestamp: '1700000000000000000',
  time: '2023-11-14T22:13:20.000Z',
  logType: 'access' as const,
  summary: id,
  fields: {},
});

describe('AuditQueryRunner', () => {
  it('asks again when the range changes, and drops the answer the change made stale', async () => {
    const answers = [deferred<StatsResponse>(), deferred<StatsResponse>()];
    let calls = 0;
    const stats = jest.fn((): Promise<StatsResponse> => answers[calls++]!.promise);
    const { runner, timeRange, deactivate } = runnerIn(
      { kind: 'counts', logType: 'access', by: 'action' },
      { stats }
    );
    expect(runner.state.data?.state).toBe(LoadingState.Loading);
    timeRange.setState({ from: 'now-6h' });
    timeRange.onRefresh();
    expect(stats).toHaveBeenCalledTimes(2);
    answers[1]!.resolve({ by: 'action', step: 3600, series: [{ name: 'login', points: [] }] });
    await flush();
    answers[0]!.resolve({ by: 'action', step: 60, series: [{ name: 'stale', points: [] }] });
    await flush();
    expect(runner.state.data?.state).toBe(LoadingState.Done);
    expect(runner.state.data?.series.map((f) => f.name)).toEqual(['login']);
    deactivate();
  });

  it('does not ask again for the query it already answered', async () => {
    const stats = jest.fn(async (): Promise<StatsResponse> => ({ by: 'action', step: 60, series: [] }));
    const { runner, deactivate } = runnerIn({ kind: 'counts', logType: 'access', by: 'action' }, { stats });
    await flush();
    runner.run();
    expect(stats).toHaveBeenCalledTimes(1);
    runner.setRequest({ kind: 'counts', logType: 'access', by: 'outcome' });
    expect(stats).toHaveBeenCalledTimes(2);
    deactivate();
  });

  it('shows suggested values first and the exact counts when they arrive, only once run', async () => {
    const exact = deferred<readonly FacetValue[]>();
    const facets: FacetSource[] = [
      { exact: false, values: async () => [{ value: 'omar' }, { value: 'jane' }] },
      { exact: true, values: () => exact.promise },
    ];
    const { runner, timeRange, deactivate } = runnerIn(
      { kind: 'facets', logType: 'access', field: 'user' },
      {},
      { facets, manual: true }
    );
    expect(runner.state.data).toBeUndefined();
    runner.run();
    await flush();
    expect(runner.state.data?.state).toBe(LoadingState.Streaming);
    expect(isExact(runner.state.data?.series[0])).toBe(false);
    expect(facetValuesOf(runner.state.data?.series[0])).toEqual([{ value: 'omar' }, { value: 'jane' }]);
    exact.resolve([{ value: 'jane', count: 4 }]);
    await flush();
    expect(runner.state.data?.state).toBe(LoadingState.Done);
    expect(facetValuesOf(runner.state.data?.series[0])).toEqual([{ value: 'jane', count: 4 }]);
    // Another range makes the values stale: forgotten, and not asked for until the next run().
    timeRange.setState({ from: 'now-2h' });
    timeRange.onRefresh();
    expect(runner.state.data).toBeUndefined();
    deactivate();
  });

  it('appends older rows, and keeps the rows shown when the next page fails', async () => {
    const pages = [deferred<LogsResponse>(), deferred<LogsResponse>(), deferred<LogsResponse>()];
    let calls = 0;
    const logs = jest.fn((): Promise<LogsResponse> => pages[calls++]!.promise);
    const { runner, deactivate } = runnerIn({ kind: 'rows', logType: 'access', pageSize: 1 }, { logs });
    pages[0]!.resolve({ rows: [row('a')], nextCursor: 'c1' });
    await flush();
    runner.loadMore();
    expect(runner.state.loadingMore).toBe(true);
    expect(logs).toHaveBeenLastCalledWith('access', expect.objectContaining({ cursor: 'c1', limit: 1 }));
    pages[1]!.resolve({ rows: [row('b')], nextCursor: 'c2' });
    await flush();
    expect(rowsOf(runner.state.data?.series[0]).map((r) => r.id)).toEqual(['a', 'b']);
    runner.loadMore();
    pages[2]!.reject({ status: 502, data: { error: 'Loki is unavailable' } });
    await flush();
    expect(runner.state.data?.state).toBe(LoadingState.Error);
    expect(runner.state.data?.errors?.[0]?.message).toBe('Loki is unavailable');
    expect(rowsOf(runner.state.data?.series[0]).map((r) => r.id)).toEqual(['a', 'b']);
    expect(runner.state.loadingMore).toBe(false);
    deactivate();
  });

  it('reports a failed query with the service’s message and no stale frames', async () => {
    const stats = jest.fn(() =>
      Promise.reject({
        status: 400,
        data: { error: 'invalid query', issues: [{ field: 'step', message: 'too small' }] },
      })
    );
    const { runner, deactivate } = runnerIn({ kind: 'counts', logType: 'access', by: 'action' }, { stats });
    await flush();
    expect(runner.state.data?.state).toBe(LoadingState.Error);
    expect(runner.state.data?.errors?.[0]?.message).toBe('invalid query (step: too small)');
    expect(runner.state.data?.series).toEqual([]);
    deactivate();
  });

  it('stops polling the exports off screen, and polls again on return', async () => {
    jest.useFakeTimers();
    try {
      const running = { id: 'exp-1', status: 'running', rows: 1 };
      const exports = jest.fn(async () => [running]);
      const { runner, deactivate } = runnerIn({ kind: 'exports', pollMs: 1000 }, {
        exports,
      } as unknown as Partial<AuditLensApi>);
      await jest.advanceTimersByTimeAsync(2500);
      expect(exports).toHaveBeenCalledTimes(3);
      expect(runner.state.data?.state).toBe(LoadingState.Streaming);
      deactivate();
      await jest.advanceTimersByTimeAsync(5000);
      expect(exports).toHaveBeenCalledTimes(3);
      const again = runner.parent!.activate();
      await jest.advanceTimersByTimeAsync(1500);
      expect(exports).toHaveBeenCalledTimes(5);
      again();
    } finally {
      jest.useRealTimers();
    }
  });
});
