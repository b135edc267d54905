import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import {
  PROXY_ROUTES,
  type ConnectionCheck,
  type ExportFormat,
  type ExportGrantResponse,
  type ExportJob,
  type ExportListResponse,
  type ExportIntegrityResponse,
  type FacetMode,
  type FacetsResponse,
  type IntegrityReport,
  type LogsResponse,
  type LogType,
  type StatsResponse,
  type StatsSplit,
} from '@auditlens/contract';
import { PROXY_BASE } from '../constants';

/** The part of Grafana's backendSrv the client uses. */
export interface HttpFetcher {
  fetch<T>(options: {
    url: string;
    method: string;
    params?: Record<string, string>;
    data?: unknown;
    showErrorAlert?: boolean;
  }): import('rxjs').Observable<{ data: T }>;
}

/** Query of a log page: time range (ms), filters by key, free text, paging. */
export interface LogQuery {
  readonly from: number;
  readonly to: number;
  readonly filters: Readonly<Record<string, string>>;
  readonly q?: string;
  readonly limit?: number;
  readonly cursor?: string | null;
}

/** What an export asks for. */
export interface ExportOrder {
  readonly logType: LogType;
  readonly from: number;
  readonly to: number;
  readonly format: ExportFormat;
  readonly filters: Readonly<Record<string, string>>;
  readonly timezone: string;
}

/** The app's only client: every request goes through Grafana's plugin proxy routes. */
export class AuditLensApi {
  constructor(private readonly http: HttpFetcher = getBackendSrv() as unknown as HttpFetcher) {}

  /** Rows of a log type, newest first. */
  logs(logType: LogType, query: LogQuery): Promise<LogsResponse> {
    const params: Record<string, string> = {
      from: String(query.from),
      to: String(query.to),
      ...nonEmpty(query.filters),
    };
    if (query.q) params['q'] = query.q;
    if (query.limit) params['limit'] = String(query.limit);
    if (query.cursor) params['cursor'] = query.cursor;
    return this.get<LogsResponse>(`${PROXY_ROUTES.logs(logType)}`, params);
  }

  /**
   * Values of a filter field under the other `filters` (default none): exact counts, or with `mode` `suggest` the
   * values of a sample of the newest events, answered at once.
   */
  facets(
    logType: LogType,
    field: string,
    from: number,
    to: number,
    filters: Readonly<Record<string, string>> = {},
    mode: FacetMode = 'exact'
  ): Promise<FacetsResponse> {
    return this.get<FacetsResponse>(`${PROXY_ROUTES.logs(logType)}/facets`, {
      ...nonEmpty(filters),
      field,
      from: String(from),
      to: String(to),
      mode,
    });
  }

  /** Counts over time split by action or outcome. */
  stats(logType: LogType, by: StatsSplit, query: LogQuery, stepSeconds?: number): Promise<StatsResponse> {
    const params: Record<string, string> = {
      by,
      from: String(query.from),
      to: String(query.to),
      ...nonEmpty(query.filters),
    };
    if (query.q) params['q'] = query.q;
    if (stepSeconds) params['step'] = String(stepSeconds);
    return this.get<StatsResponse>(`${PROXY_ROUTES.logs(logType)}/stats`, params);
  }

  /**
   * Queues an export: first a grant through the log type's read route (Grafana checks the read permission),
   * then the export through the exports route (Grafana checks the export permission).
   */
  async createExport(order: ExportOrder): Promise<ExportJob> {
    const { grant } = await this.send<ExportGrantResponse>(
      'POST',
      `${PROXY_ROUTES.logs(order.logType)}/export-grants`
    );
    return this.send<ExportJob>('POST', PROXY_ROUTES.exports, {
      grant,
      logType: order.logType,
      from: new Date(order.from).toISOString(),
      to: new Date(order.to).toISOString(),
      format: order.format,
      filters: nonEmpty(order.filters),
      timezone: order.timezone,
    });
  }

  /** The user's exports, newest first. */
  async exports(): Promise<readonly ExportJob[]> {
    return (await this.get<ExportListResponse>(PROXY_ROUTES.exports, {})).exports;
  }

  /** Asks for an export's mail again (after the mail server failed or the mail was lost), while its file lives. */
  resendMail(id: string): Promise<ExportJob> {
    return this.send<ExportJob>('POST', `${PROXY_ROUTES.exports}/${encodeURIComponent(id)}/mail`);
  }

  /** The verification of every record of a log type in [from, to) (ms): chains, gaps, alterations, signatures. */
  integrity(logType: LogType, from: number, to: number): Promise<IntegrityReport> {
    return this.get<IntegrityReport>(`${PROXY_ROUTES.logs(logType)}/integrity`, {
      from: String(from),
      to: String(to),
    });
  }

  /** The verification summary of the user's exports that have a signed manifest, by export id. */
  async exportIntegrity(): Promise<ExportIntegrityResponse['exports']> {
    return (await this.get<ExportIntegrityResponse>(`${PROXY_ROUTES.exports}/integrity`, {})).exports;
  }

  /** Where the browser downloads an export's signed manifest. */
  manifestUrl(id: string): string {
    return `${PROXY_BASE}/${PROXY_ROUTES.exports}/${encodeURIComponent(id)}/manifest`;
  }

  /** The config page's connection test: secret, Grafana token and Loki, through the `health` route. */
  health(): Promise<ConnectionCheck> {
    return this.get<ConnectionCheck>(PROXY_ROUTES.health, {});
  }

  /** Where the browser downloads a finished export. */
  downloadUrl(id: string): string {
    return `${PROXY_BASE}/${PROXY_ROUTES.exports}/${encodeURIComponent(id)}/file`;
  }

  private get<T>(route: string, params: Record<string, string>): Promise<T> {
    return this.request<T>({ url: `${PROXY_BASE}/${route}`, method: 'GET', params });
  }

  private send<T>(method: string, route: string, data?: unknown): Promise<T> {
    return this.request<T>({ url: `${PROXY_BASE}/${route}`, method, data });
  }

  private async request<T>(options: {
    url: string;
    method: string;
    params?: Record<string, string>;
    data?: unknown;
  }): Promise<T> {
    const res = await lastValueFrom(this.http.fetch<T>({ ...options, showErrorAlert: false }));
    return res.data;
  }
}

function nonEmpty(filters: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== ''));
}
