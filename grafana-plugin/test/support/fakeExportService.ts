// A small in-memory double of the export service's HTTP API (contract/src/api.ts), for page tests and the
// browser harness where the real service and Loki cannot run. It answers the shapes the service answers,
// newest first with cursor paging, and keeps the exports it is asked to queue.
import {
  ATTR,
  FILTER_FIELDS,
  LOG_TYPES,
  TEXT_FILTER_KEY,
  lokiFieldName,
  logTypeFromSlug,
  type AuditRow,
  type ExportIntegrityResponse,
  type ExportJob,
  type ExportRequest,
  type FacetsResponse,
  type IntegrityReport,
  type LogType,
} from '@auditlens/contract';

/** A request as it reaches the service: path after `/api/v1`, query and body. */
export interface ServiceRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly data?: unknown;
  /** The Grafana login the proxy sends as X-Grafana-User. */
  readonly login: string;
}

/** An HTTP answer of the double. */
export interface ServiceResponse {
  readonly status: number;
  readonly data: unknown;
}

const f = lokiFieldName;
/** Events in the service's facet sample (`SAMPLE_SIZE` in export-service `logs/log-reader.ts`). */
const SUGGEST_SAMPLE = 2000;

function event(
  logType: LogType,
  i: number,
  at: number,
  fields: Record<string, string>,
  summary: string
): AuditRow {
  const id = `${logType}-${String(i).padStart(4, '0')}`;
  return {
    id,
    timestamp: `${at}000000`,
    time: new Date(at).toISOString(),
    logType,
    summary,
    fields: { ...fields, [f(ATTR.eventId)]: id },
  };
}

/** Deterministic events: `perType` of each log type, one a minute back from `now`. */
export function sampleEvents(now: number, perType = 150): AuditRow[] {
  const rows: AuditRow[] = [];
  for (let i = 0; i < perType; i++) {
    const at = now - (i + 1) * 60_000;
    const user = ['jane', 'omar', 'li'][i % 3]!;
    const ip = `203.0.113.${(i % 5) + 1}`;
    rows.push(
      event(
        'activity',
        i,
        at,
        {
          [f(ATTR.userName)]: user,
          [f(ATTR.clientAddress)]: ip,
          [f(ATTR.category)]: ['SLA', 'Roles and permissions'][i % 2]!,
          [f(ATTR.action)]: ['update', 'create', 'delete'][i % 3]!,
          [f(ATTR.outcome)]: 'success',
          [f(ATTR.targetType)]: 'sla_policy',
          [f(ATTR.targetName)]: `Policy ${i}`,
          [f(ATTR.changes)]: JSON.stringify({
            before: { enabled: true, threshold: 4 },
            after: { enabled: false, threshold: 4 },
          }),
        },
        `${user} changed Policy ${i}`
      ),
      event(
        'access',
        i,
        at,
        {
          [f(ATTR.userName)]: user,
          [f(ATTR.clientAddress)]: ip,
          [f(ATTR.action)]: i % 4 === 0 ? 'login_failed' : 'login',
          [f(ATTR.outcome)]: i % 4 === 0 ? 'failure' : 'success',
          [f(ATTR.brand)]: 'Acme',
          [f(ATTR.portal)]: i % 2 ? 'agent' : 'customer',
          [f(ATTR.loginSource)]: i % 2 ? 'form' : 'google',
        },
        `${user} ${i % 4 === 0 ? 'failed to log in' : 'logged in'}`
      ),
      event(
        'webhook_failure',
        i,
        at,
        {
          [f(ATTR.webhookName)]: ['Billing sync', 'CRM push'][i % 2]!,
          [f(ATTR.urlFull)]: 'https://hooks.example.com/x?token=REDACTED',
          [f(ATTR.httpStatus)]: '502',
          [f(ATTR.errorMessage)]: 'Bad gateway',
          [f(ATTR.attempt)]: String((i % 3) + 1),
          [f(ATTR.outcome)]: 'failure',
        },
        'Webhook delivery failed'
      ),
      event(
        'integration_failure',
        i,
        at,
        {
          [f(ATTR.integrationName)]: ['Salesforce', 'Slack'][i % 2]!,
          [f(ATTR.integrationType)]: ['crm', 'chat'][i % 2]!,
          [f(ATTR.failureType)]: 'auth',
          [f(ATTR.outcome)]: 'failure',
        },
        'Token expired'
      )
    );
  }
  return rows;
}

/** Double of the export service: the routes under `/api/v1` the plugin calls. */
export class FakeExportService {
  readonly exports: ExportJob[] = [];
  /** Ids of the exports whose mail was asked for again. */
  readonly mailRequests: string[] = [];
  /** What `logs/<slug>/integrity` answers, by log type; default: every event of the range intact and signed. */
  readonly integrity = new Map<LogType, (from: number, to: number) => IntegrityReport>();
  /** What `exports/integrity` answers. */
  exportIntegrity: ExportIntegrityResponse['exports'] = {};
  private nextExport = 1;

  constructor(private readonly events: readonly AuditRow[]) {}

  handle(req: ServiceRequest): ServiceResponse {
    const parts = req.path.split('/').filter(Boolean);
    if (parts[0] === 'health') return { status: 200, data: { status: 'ok', user: req.login } };
    if (parts[0] === 'logs') return this.logs(parts.slice(1), req);
    if (parts[0] === 'exports') return this.exportRoutes(parts.slice(1), req);
    return { status: 404, data: { error: 'no such route' } };
  }

  private logs([slug, sub]: string[], req: ServiceRequest): ServiceResponse {
    const logType = slug ? logTypeFromSlug(slug) : undefined;
    if (!logType) return { status: 404, data: { error: 'no such log type' } };
    const from = Number(req.params['from'] ?? 0);
    const to = Number(req.params['to'] ?? Date.now());
    const unknown = Object.keys(req.params).find(
      (k) =>
        !['from', 'to', 'limit', 'cursor', 'field', 'mode', 'by', 'step', TEXT_FILTER_KEY].includes(k) &&
        !FILTER_FIELDS[logType].some((ff) => ff.key === k)
    );
    if (unknown)
      return {
        status: 400,
        data: { error: 'invalid query', issues: [{ field: unknown, message: 'not a filter' }] },
      };
    // Facets count a field's values under the other filters, as the service does (log-reader.ts `facets`).
    const applied =
      sub === 'facets'
        ? Object.fromEntries(Object.entries(req.params).filter(([k]) => k !== req.params['field']))
        : req.params;
    const matching = this.events.filter((e) => e.logType === logType && matches(e, applied, from, to));
    if (sub === undefined) {
      const limit = Number(req.params['limit'] ?? 100);
      const start = req.params['cursor'] ? Number(req.params['cursor']) : 0;
      const rows = matching.slice(start, start + limit);
      return {
        status: 200,
        data: { rows, nextCursor: start + limit < matching.length ? String(start + limit) : null },
      };
    }
    if (sub === 'facets') {
      const key = req.params['field'] ?? '';
      const field = FILTER_FIELDS[logType].find((ff) => ff.key === key);
      if (!field)
        return {
          status: 400,
          data: { error: 'invalid query', issues: [{ field: 'field', message: 'unknown' }] },
        };
      // `mode=suggest` looks at the newest events only, as the service's sample does (facet-sample.ts).
      const suggest = req.params['mode'] === 'suggest';
      const looked = suggest
        ? [...matching].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).slice(0, SUGGEST_SAMPLE)
        : matching;
      const counts = new Map<string, number>();
      for (const e of looked) {
        const v = e.fields[field.lokiField];
        if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const values = [...counts]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count);
      const data: FacetsResponse = suggest
        ? { field: key, values, counts: 'sample', sampled: looked.length, complete: false }
        : { field: key, values, counts: 'exact', complete: true };
      return { status: 200, data };
    }
    if (sub === 'stats') {
      const by = req.params['by'] === 'outcome' ? 'outcome' : 'action';
      const step = Number(req.params['step'] ?? 3600);
      const series = new Map<string, Map<number, number>>();
      for (const e of matching) {
        const name = e.fields[by === 'action' ? f(ATTR.action) : f(ATTR.outcome)] ?? '(none)';
        const bucket = Math.floor(Date.parse(e.time) / (step * 1000)) * step * 1000;
        const points = series.get(name) ?? new Map<number, number>();
        points.set(bucket, (points.get(bucket) ?? 0) + 1);
        series.set(name, points);
      }
      return {
        status: 200,
        data: {
          by,
          step,
          series: [...series].map(([name, points]) => ({
            name,
            points: [...points].sort(([a], [b]) => a - b),
          })),
        },
      };
    }
    if (sub === 'integrity') {
      const report =
        this.integrity.get(logType)?.(from, to) ?? intactReport(logType, from, to, matching.length);
      return { status: 200, data: report };
    }
    if (sub === 'export-grants' && req.method === 'POST')
      return {
        status: 200,
        data: {
          grant: `grant:${req.login}:${logType}`,
          expiresAt: new Date(Date.now() + 60_000).toISOString(),
        },
      };
    return { status: 404, data: { error: 'no such route' } };
  }

  private exportRoutes([id, sub]: string[], req: ServiceRequest): ServiceResponse {
    if (req.method === 'GET' && id === 'integrity')
      return { status: 200, data: { exports: this.exportIntegrity } };
    if (req.method === 'POST' && id === undefined) {
      const body = req.data as ExportRequest;
      const [, login, logType] = String(body.grant).split(':');
      if (login !== req.login || !LOG_TYPES.includes(logType as LogType))
        return { status: 403, data: { error: 'the grant is not yours' } };
      const now = new Date().toISOString();
      const job: ExportJob = {
        id: `exp-${this.nextExport++}`,
        logType: logType as LogType,
        format: body.format,
        from: body.from,
        to: body.to,
        filters: body.filters ?? {},
        timezone: body.timezone ?? 'UTC',
        status: 'queued',
        rows: 0,
        bytes: 0,
        error: null,
        createdAt: now,
        updatedAt: now,
        downloadable: false,
        nextAttemptAt: null,
        expiresAt: null,
      };
      this.exports.unshift(job);
      return { status: 202, data: job };
    }
    if (req.method === 'GET' && id === undefined) return { status: 200, data: { exports: this.exports } };
    if (req.method === 'POST' && sub === 'mail') {
      // As the service: the file must still be there, and a mail on its way is not asked for twice.
      const job = this.exports.find((j) => j.id === id);
      if (!job) return { status: 404, data: { error: 'no such export' } };
      if (job.status === 'sending')
        return { status: 409, data: { error: 'the mail is being sent right now' } };
      if (!job.downloadable)
        return { status: 410, data: { error: 'the export file has expired; export again' } };
      this.mailRequests.push(job.id);
      this.advance(job.id, {
        status: 'waiting_for_mail',
        error: null,
        nextAttemptAt: new Date().toISOString(),
      });
      return { status: 202, data: this.exports.find((j) => j.id === id) };
    }
    const job = this.exports.find((j) => j.id === id);
    return job ? { status: 200, data: job } : { status: 404, data: { error: 'no such export' } };
  }

  /** Queues a CSV export of a day of `login`'s access log, as the export dialog would; answers its id. */
  queueExport(login = 'jane'): string {
    const res = this.handle({
      method: 'POST',
      path: '/exports',
      login,
      params: {},
      data: {
        grant: `grant:${login}:access`,
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-02T00:00:00.000Z',
        format: 'csv',
      },
    });
    return (res.data as ExportJob).id;
  }

  /** Moves an export on, as the runner would. */
  advance(id: string, change: Partial<ExportJob>): void {
    const i = this.exports.findIndex((j) => j.id === id);
    if (i >= 0) this.exports[i] = { ...this.exports[i]!, ...change, updatedAt: new Date().toISOString() };
  }
}

function matches(e: AuditRow, params: Readonly<Record<string, string>>, from: number, to: number): boolean {
  const at = Date.parse(e.time);
  if (at < from || at >= to) return false;
  for (const ff of FILTER_FIELDS[e.logType]) {
    const wanted = params[ff.key];
    if (wanted && e.fields[ff.lokiField] !== wanted) return false;
  }
  const text = params[TEXT_FILTER_KEY];
  return !text || e.summary.includes(text);
}

/** A verification that found every one of `total` records intact and signed, in one chain. */
export function intactReport(logType: LogType, from: number, to: number, total: number): IntegrityReport {
  return {
    logType,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    verifiedAt: new Date().toISOString(),
    status: total === 0 ? 'empty' : 'intact',
    records: { total, verified: total, unsigned: 0, altered: 0, forged: 0, duplicates: 0, withoutChain: 0 },
    gaps: { count: 0, missingRecords: 0 },
    checkpoints: { total: 1, valid: 1, invalid: 0, unknownKey: 0, unsigned: 0 },
    chains: total === 0 ? 0 : 1,
    chainList: [],
    problems: [],
    problemCount: 0,
    notes: [],
  };
}
