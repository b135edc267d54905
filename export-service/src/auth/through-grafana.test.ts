// The service behind the Grafana double's plugin proxy: requests as a browser sends them to Grafana (a session
// cookie, no identity headers of its own), with what Grafana adds depending on its settings.
import { request as httpRequest } from 'node:http';
import { FILTER_FIELDS, LOG_TYPES, LOG_TYPE_SLUGS, PLUGIN_ID, type ExportJob } from '@auditlens/contract';
import { startHarness, type Harness, type HarnessOptions } from '../../test/support/harness';
import type { SeedEntry } from '@auditlens/loki/double';

const T = Date.parse('2026-11-20T10:00:00Z');
const range = { from: String(T - 3600_000), to: String(T + 3600_000) };

function accessEntry(id: string): SeedEntry {
  return {
    ts: BigInt(T) * 1_000_000n,
    line: `bob logged in (${id})`,
    labels: { service_name: 'helpdesk', audit_log_type: 'access' },
    metadata: { audit_event_id: id, user_name: 'bob', audit_action: 'login', audit_outcome: 'success' },
  };
}

describe('the service through Grafana', () => {
  let h: Harness;
  const start = async (options: HarnessOptions) => {
    // Walking every path is a burst of requests from one user: the per-user rate limit is not under test here.
    h = await startHarness({ ...options, app: { ratePerSecond: 1000, rateBurst: 1000 } });
    await h.serve();
    h.loki.push([accessEntry('e1')]);
  };
  afterEach(() => h.stop());

  /** A browser request to Grafana's plugin proxy as `login`, with extra headers a client might add. */
  async function call(
    login: string,
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {}
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${h.grafana.url}/api/plugin-proxy/${PLUGIN_ID}/${path}`, {
      method,
      headers: {
        ...h.grafana.sessionFor(login),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...extra,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }
  const query = new URLSearchParams(range).toString();

  async function exportAs(login: string): Promise<ExportJob> {
    const grant = await call(login, 'POST', 'logs/access/export-grants');
    expect(grant.status).toBe(200);
    const created = await call(login, 'POST', 'exports', {
      grant: (grant.body as { grant: string }).grant,
      ...range,
      format: 'csv',
      filters: {},
      timezone: 'UTC',
    });
    expect(created.status).toBe(202);
    return created.body as ExportJob;
  }

  describe('with idForwarding (an ID token on every request)', () => {
    it('serves a Grafana-shaped ID token (username, email, namespace) without asking Grafana who it is', async () => {
      await start({ grafana: { idForwarding: true } });
      const logs = await call('jane', 'GET', `logs/access?${query}`);
      expect(logs.status).toBe(200);
      expect((logs.body as { rows: Array<{ id: string }> }).rows.map((r) => r.id)).toEqual(['e1']);
      for (const path of [`logs/access/facets?field=user&${query}`, `logs/access/stats?by=action&${query}`]) {
        expect((await call('jane', 'GET', path)).status).toBe(200);
      }
      const job = await exportAs('jane');
      expect((await h.store.get(job.id))!.requester).toEqual({
        uid: 'u-jane',
        login: 'jane',
        email: 'jane@acme.test',
        name: 'Jane Admin',
      });
      const listed = await call('jane', 'GET', 'exports');
      expect((listed.body as { exports: ExportJob[] }).exports.map((j) => j.id)).toEqual([job.id]);
      expect((await call('jane', 'GET', `exports/${job.id}`)).status).toBe(200);
      // Not Grafana's "plugin route match not found": the service's own answer for a file not written yet.
      expect(await call('jane', 'GET', `exports/${job.id}/file`)).toEqual({
        status: 404,
        body: { error: 'the export is not ready' },
      });
      const sent = h.grafana.forwarded.map((f) => f.headers);
      expect(sent.every((headers) => headers['x-grafana-id'] && !headers['x-grafana-user'])).toBe(true);
      expect(h.grafana.apiCalls.filter((c) => c.path.startsWith('/api/org/users'))).toEqual([]);
    });

    it('refuses with 403 a token that names another org, before reading anything', async () => {
      await start({ grafana: { idForwarding: true, orgId: 2 } });
      const res = await call('jane', 'GET', `logs/access?${query}`);
      expect(res.status).toBe(403);
      expect((res.body as { error: string }).error).toMatch(/organisation/);
      expect(h.loki.queries).toHaveLength(0);
    });
  });

  describe('without ID tokens', () => {
    it("falls back to X-Grafana-User and the org's user list, which an org Admin service account may read", async () => {
      await start({ grafana: { sendUserHeader: true } });
      expect((await call('jane', 'GET', `logs/access?${query}`)).status).toBe(200);
      const job = await exportAs('jane');
      expect((await h.store.get(job.id))!.requester.uid).toBe('u-jane');
      const paths = h.grafana.apiCalls.map((c) => `${c.path} ${c.status}`);
      expect(paths).toContain('/api/org/users 200');
      expect(paths.some((p) => p.startsWith('/api/users/lookup'))).toBe(false);
    });

    it('refuses every request with REQUIRE_ID_TOKEN', async () => {
      await start({ grafana: { sendUserHeader: true }, requireIdToken: true });
      expect((await call('jane', 'GET', `logs/access?${query}`)).status).toBe(401);
    });

    it('knows nobody when Grafana sends neither, whatever X-Grafana-User the browser sends', async () => {
      await start({});
      const res = await call('jane', 'GET', `logs/access?${query}`, undefined, { 'X-Grafana-User': 'jane' });
      expect(res).toEqual({ status: 401, body: { error: 'unauthorized' } });
    });
  });

  it('reaches a service route (not a 404 of Grafana or of the service) for every path the app uses', async () => {
    await start({ grafana: { idForwarding: true } });
    const job = await exportAs('jane');
    const calls: Array<[string, string]> = [
      ['GET', 'exports'],
      ['GET', `exports/${job.id}`],
      ['GET', `exports/${job.id}/file`],
      ['GET', 'health'],
    ];
    for (const logType of LOG_TYPES) {
      const base = `logs/${LOG_TYPE_SLUGS[logType]}`;
      calls.push(
        ['GET', `${base}?${query}`],
        ['GET', `${base}/facets?field=${FILTER_FIELDS[logType][0]!.key}&${query}`]
      );
      calls.push(['GET', `${base}/stats?by=outcome&${query}`], ['POST', `${base}/export-grants`]);
    }
    const answers: string[] = [];
    for (const [method, path] of calls) {
      const res = await call('jane', method, path);
      answers.push(`${method} ${path.split('?')[0]} ${res.status} ${JSON.stringify(res.body).slice(0, 60)}`);
    }
    expect(answers.filter((a) => /plugin route match not found|no such route/.test(a))).toEqual([]);
    expect(answers.filter((a) => !/ 200 /.test(a))).toEqual([
      `GET exports/${job.id}/file 404 {"error":"the export is not ready"}`,
    ]);
  });

  it.each([
    ['an ID token', { idForwarding: true }],
    ['X-Grafana-User only', { sendUserHeader: true }],
  ] as const)(
    "keeps a user's exports with the user's uid across a rename, and away from whoever takes the old login (%s)",
    async (_how, grafana) => {
      await start({ grafana });
      const job = await exportAs('jane');
      // The old owner was just served: anything the service kept of "jane" would be fresh now.
      expect((await call('jane', 'GET', `exports/${job.id}`)).status).toBe(200);
      h.grafana.renameUser('jane', 'jane.doe');
      h.grafana.addUser({ login: 'jane', email: 'other-jane@acme.test', orgRole: 'Admin' });
      expect(await call('jane', 'GET', 'exports')).toEqual({ status: 200, body: { exports: [] } });
      for (const [method, path] of [
        ['GET', `exports/${job.id}`],
        ['GET', `exports/${job.id}/file`],
        ['POST', `exports/${job.id}/mail`],
      ] as const) {
        expect([method, path, await call('jane', method, path)]).toEqual([
          method,
          path,
          { status: 404, body: { error: 'no such export' } },
        ]);
      }
      // The new holder's own grant and export are theirs, under their own uid.
      const theirs = await exportAs('jane');
      expect((await h.store.get(theirs.id))!.requester).toMatchObject({
        uid: h.grafana.uidOf('jane'),
        email: 'other-jane@acme.test',
      });
      const renamed = await call('jane.doe', 'GET', 'exports');
      expect((renamed.body as { exports: ExportJob[] }).exports.map((j) => j.id)).toEqual([job.id]);
    }
  );

  it('serves no path other than the one whose reqAction Grafana checked', async () => {
    await start({ grafana: { idForwarding: true } });
    // bob may read access logs only; Grafana checks access:read and appends the rest unescaped and uncleaned.
    // Sent with node:http: fetch would resolve the dot segments before they reach Grafana.
    for (const path of [`logs/access/..%2Factivity?${query}`, `logs/access/%2E%2E/%2E%2E/exports`]) {
      const status = await new Promise<number>((resolve, reject) => {
        const url = new URL(h.grafana.url);
        httpRequest(
          {
            hostname: url.hostname,
            port: url.port,
            path: `/api/plugin-proxy/${PLUGIN_ID}/${path}`,
            headers: h.grafana.sessionFor('bob'),
          },
          (res) => resolve(res.resume().statusCode ?? 0)
        )
          .on('error', reject)
          .end();
      });
      expect(status).toBe(404);
    }
    expect(h.grafana.forwarded.map((f) => f.url.replace(/^http:\/\/[^/]+/, '').split('?')[0])).toEqual([
      '/api/v1/logs/access/../activity',
      '/api/v1/logs/access/../../exports',
    ]);
    expect(h.loki.queries).toHaveLength(0);
  });
});
