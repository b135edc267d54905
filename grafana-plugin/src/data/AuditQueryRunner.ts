import { ReplaySubject, defer, type Subscription } from 'rxjs';
import { LoadingState, type PanelData } from '@grafana/data';
import {
  SceneObjectBase,
  sceneGraph,
  type SceneDataProvider,
  type SceneDataProviderResult,
  type SceneDataState,
  type SceneObject,
} from '@grafana/scenes';
import { errorMessage } from '../api/errorMessage';
import { load, type Loaded } from './load';
import { nextCursorOf, rowsFrame, rowsOf } from './frames/rows';
import type { AuditDataSources, AuditRequest, QueryContext } from './requests';

/** A scene object whose state holds the page's filters; runners below it follow them. */
export interface QueryFilterSource extends SceneObject {
  /** Exact-match filters by key and the free text, as the page applies them now. */
  queryFilters(): { readonly filters: Readonly<Record<string, string>>; readonly q: string };
}

export interface AuditQueryRunnerState extends SceneDataState {
  readonly request: AuditRequest;
  readonly sources: AuditDataSources;
  /** Filters of this runner's own, applied over the page's (e.g. `action=login_failed`). Default none. */
  readonly filters?: Readonly<Record<string, string>>;
  /** False to ignore the page's filters and text (a filter's dropdown lists the whole range). Default true. */
  readonly usePageFilters?: boolean;
  /** `auto` runs on activation and on every change of range or filters; `manual` only on `run()`. Default auto. */
  readonly runQueriesMode?: 'auto' | 'manual';
  /** True while `loadMore()` fetches the next page of rows. */
  readonly loadingMore?: boolean;
}

/**
 * The app's one data provider: loads rows, counts, facets, firing alerts or exports (its `request`) through
 * the app's API client over the scene's time range and the page's filters, as `PanelData` for Grafana's panels
 * and the app's own scene objects. Each consumer has its own runner, so one slow answer (counts) never holds
 * up another (rows); a change of range or filters drops the answer in flight and asks again.
 */
export class AuditQueryRunner extends SceneObjectBase<AuditQueryRunnerState> implements SceneDataProvider {
  private readonly results = new ReplaySubject<SceneDataProviderResult>(1);
  private running?: Subscription;
  private more?: Subscription;
  /** The query whose answer `data` holds or is loading; undefined when none is current. */
  private ranKey?: string;

  constructor(state: AuditQueryRunnerState) {
    super(state);
    this.addActivationHandler(() => this.onActivate());
  }

  private onActivate(): () => void {
    const timeRange = sceneGraph.getTimeRange(this);
    this._subs.add(
      timeRange.subscribeToState((next, prev) => next.value !== prev.value && this.onQueryChanged())
    );
    const page = this.pageFilters();
    if (page) this._subs.add(page.subscribeToState(() => this.onQueryChanged()));
    if (this.state.runQueriesMode !== 'manual') this.run();
    return () => {
      // Off screen nothing is asked (a poll stops); an unfinished answer is asked again on return.
      const unfinished =
        (this.running !== undefined && !this.running.closed) || this.state.loadingMore === true;
      this.stop();
      if (unfinished) this.ranKey = undefined;
    };
  }

  getResultsStream(): ReplaySubject<SceneDataProviderResult> {
    return this.results;
  }

  isDataReadyToDisplay(): boolean {
    return true;
  }

  /** Loads the answer of the current query unless it is already here or on its way. */
  run(): void {
    const ctx = this.queryContext();
    const key = this.keyOf(ctx);
    if (key === this.ranKey) return;
    this.stop();
    this.ranKey = key;
    const { timeRange } = ctx;
    this.publish({ state: LoadingState.Loading, series: this.state.data?.series ?? [], timeRange });
    this.running = defer(() => load(this.state.request, ctx, this.state.sources)).subscribe({
      next: (loaded: Loaded) =>
        this.publish({
          state: loaded.done ? LoadingState.Done : LoadingState.Streaming,
          series: loaded.series,
          timeRange,
        }),
      error: (e: unknown) => {
        this.ranKey = undefined;
        this.publish({
          state: LoadingState.Error,
          series: [],
          errors: [{ message: errorMessage(e) }],
          timeRange,
        });
      },
    });
  }

  /** Asks again even when nothing changed (a retry after an error, a reload). */
  rerun(): void {
    this.ranKey = undefined;
    this.run();
  }

  /** Changes what the runner loads (the chart's split) and loads it. */
  setRequest(request: AuditRequest): void {
    this.setState({ request });
    if (this.state.runQueriesMode !== 'manual') this.run();
  }

  /** Appends the next (older) page to a rows answer; the rows shown stay when it fails. */
  loadMore(): void {
    const { request, data, sources } = this.state;
    const frame = data?.series[0];
    const cursor = nextCursorOf(frame);
    if (request.kind !== 'rows' || !cursor || this.state.loadingMore || !data) return;
    const ctx = this.queryContext();
    this.setState({ loadingMore: true });
    this.more = defer(() =>
      sources.api.logs(request.logType, {
        from: ctx.from,
        to: ctx.to,
        filters: ctx.filters,
        q: ctx.q,
        limit: request.pageSize,
        cursor,
      })
    ).subscribe({
      next: (res) => {
        const rows = [...rowsOf(frame), ...res.rows];
        this.setState({ loadingMore: false });
        this.publish({
          ...data,
          state: LoadingState.Done,
          errors: undefined,
          series: [rowsFrame(request.logType, rows, res.nextCursor)],
        });
      },
      error: (e: unknown) => {
        this.setState({ loadingMore: false });
        this.publish({ ...data, state: LoadingState.Error, errors: [{ message: errorMessage(e) }] });
      },
    });
  }

  cancelQuery(): void {
    this.stop();
    this.ranKey = undefined;
    this.setState({ loadingMore: false });
    const data = this.state.data;
    if (data?.state === LoadingState.Loading) this.publish({ ...data, state: LoadingState.Done });
  }

  private onQueryChanged(): void {
    if (this.keyOf(this.queryContext()) === this.ranKey) return;
    if (this.state.runQueriesMode !== 'manual') return this.run();
    // A manual runner forgets an answer that no longer applies, and asks on its next run().
    this.stop();
    this.ranKey = undefined;
    if (this.state.data) this.setState({ data: undefined });
  }

  private stop(): void {
    this.running?.unsubscribe();
    this.more?.unsubscribe();
    if (this.state.loadingMore) this.setState({ loadingMore: false });
  }

  private publish(data: PanelData): void {
    this.setState({ data });
    this.results.next({ origin: this, data });
  }

  private pageFilters(): QueryFilterSource | undefined {
    if (this.state.usePageFilters === false) return undefined;
    for (let o = this.parent; o; o = o.parent) if (isQueryFilterSource(o)) return o;
    return undefined;
  }

  private queryContext(): QueryContext {
    const timeRange = sceneGraph.getTimeRange(this).state.value;
    const page = this.pageFilters()?.queryFilters();
    return {
      timeRange,
      from: timeRange.from.valueOf(),
      to: timeRange.to.valueOf(),
      filters: { ...page?.filters, ...this.state.filters },
      q: page?.q ?? '',
    };
  }

  private keyOf(ctx: QueryContext): string {
    const filters = Object.entries(ctx.filters)
      .filter(([, v]) => v !== '')
      .sort(([a], [b]) => a.localeCompare(b));
    return JSON.stringify([this.state.request, ctx.from, ctx.to, filters, ctx.q]);
  }
}

function isQueryFilterSource(o: SceneObject): o is QueryFilterSource {
  return typeof (o as Partial<QueryFilterSource>).queryFilters === 'function';
}
