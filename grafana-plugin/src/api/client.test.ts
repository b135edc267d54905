import { of, type Observable } from 'rxjs';
import { AuditLensApi, type HttpFetcher } from './client';

jest.mock('@grafana/runtime', () => ({ getBackendSrv: () => ({}) }));

/** A stand-in for Grafana's backendSrv that records requests and answers from a table. */
function fakeBackendSrv(answers: Record<string, unknown>) {
  const requests: Array<{ url: string; method: string; params?: Record<string, string>; data?: unknown }> =
    [];
  const http: HttpFetcher = {
    fetch<T>(options: {
      url: string;
      method: string;
      params?: Record<string, string>;
      data?: unknown;
    }): Observable<{ data: T }> {
      requests.push(options);
      return of({ data: answers[`${options.method} ${options.url}`] as T });
    },
  };
  return { http, requests };
}

const BASE = '/api/plugin-proxy/auditlens-auditlogs-app';

describe('AuditLensApi', () => {
  it('reads a log type only through its own proxy route, leaving out empty filters', async () => {
    const { http, requests } = fakeBackendSrv({
      [`GET ${BASE}/logs/access`]: { rows: [], nextCursor: null },
    });
    const api = new AuditLensApi(http);
    await api.logs('access', {
      from: 1,
      to: 2,
      filters: { user: 'jane', brand: '' },
      q: 'vpn',
      limit: 50,
      cursor: 'c1',
    });
    expect(requests).toEqual([
      {
        url: `${BASE}/logs/access`,
        method: 'GET',
        params: { from: '1', to: '2', user: 'jane', q: 'vpn', limit: '50', cursor: 'c1' },
        showErrorAlert: false,
      },
    ]);
  });

  it('creates an export with a grant from the read route, then the exports route', async () => {
    const { http, requests } = fakeBackendSrv({
      [`POST ${BASE}/logs/webhook-failures/export-grants`]: { grant: 'g-1', expiresAt: 'x' },
      [`POST ${BASE}/exports`]: { id: 'job-1', status: 'queued' },
    });
    const job = await new AuditLensApi(http).createExport({
      logType: 'webhook_failure',
      from: Date.parse('2026-11-01T00:00:00Z'),
      to: Date.parse('2026-11-02T00:00:00Z'),
      format: 'xlsx',
      filters: { webhook: 'CRM', integration: '' },
      timezone: 'Europe/Berlin',
    });
    expect(job).toMatchObject({ id: 'job-1' });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `POST ${BASE}/logs/webhook-failures/export-grants`,
      `POST ${BASE}/exports`,
    ]);
    expect(requests[1]!.data).toEqual({
      grant: 'g-1',
      logType: 'webhook_failure',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-02T00:00:00.000Z',
      format: 'xlsx',
      filters: { webhook: 'CRM' },
      timezone: 'Europe/Berlin',
    });
  });

  it('lists exports and builds download links through the exports route', async () => {
    const { http } = fakeBackendSrv({ [`GET ${BASE}/exports`]: { exports: [{ id: 'a' }] } });
    const api = new AuditLensApi(http);
    expect(await api.exports()).toEqual([{ id: 'a' }]);
    expect(api.downloadUrl('a/../b')).toBe(`${BASE}/exports/a%2F..%2Fb/file`);
  });

  it('asks for an export mail again through the exports route', async () => {
    const { http, requests } = fakeBackendSrv({
      [`POST ${BASE}/exports/job%2F1/mail`]: { id: 'job/1', status: 'waiting_for_mail' },
    });
    expect(await new AuditLensApi(http).resendMail('job/1')).toEqual({
      id: 'job/1',
      status: 'waiting_for_mail',
    });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([`POST ${BASE}/exports/job%2F1/mail`]);
  });
});
