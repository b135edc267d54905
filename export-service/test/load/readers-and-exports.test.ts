/**
 * Load: 50 readers of the access list (a user filter, the last hour) for LOAD_SECONDS (60), each asking again
 * as soon as it has its answer (after `Retry-After` when told the service is busy), plus 10 exports from 5
 * users, against the real Loki and the service as a child process. Prints p50/p99 latency, answers by status
 * and rows served per second; checks there is no 5xx or failed request and that every export is complete and
 * mailed exactly once. Latency goals are reported, not asserted (the machine is shared).
 *
 * LOAD_UNBOUNDED=1 runs the service with the Loki limits lifted (every query straight to Loki, nothing shared
 * or shed, no rate limit), as before the load shedding: the figures to compare with. LOAD_SERVICE_<NAME>
 * sets the service's <NAME>, e.g. LOAD_SERVICE_LOKI_SHARE_SECONDS=0 (bounded and shed, nothing shared).
 */
import type { GrafanaDouble } from '@auditlens/testkit';
import { startTestGrafana, type TestGrafanaUser } from '../support/grafana';
import { serviceEnv } from '../support/service-env';
import { freePort, startLoki, type LokiServer, SmtpInbox } from '@auditlens/testkit';
import type { ExportJob, LogsResponse } from '@auditlens/contract';
import {
  accessEvents,
  pushAccessEvents,
  waitUntilQueryable,
  type AccessEvent,
} from '../support/audit-events';
import { eventIdsOf, ServiceClient } from '../support/service-client';
import { ServiceProcess } from '../support/service-process';

const SECONDS = Number(process.env['LOAD_SECONDS'] ?? 60);
const UNBOUNDED = process.env['LOAD_UNBOUNDED'] === '1';
// LOAD_SERVICE_<NAME>=value sets the service's <NAME> (LOAD_SERVICE_LOKI_SHARE_SECONDS=0: nothing shared).
const SERVICE_ENV = Object.fromEntries(
  Object.entries(process.env)
    .filter(([k, v]) => k.startsWith('LOAD_SERVICE_') && v !== undefined)
    .map(([k, v]) => [k.slice('LOAD_SERVICE_'.length), v!])
);
const READERS = 50;
const EXPORTERS = 5;
const EXPORTS_EACH = 2;
const EVENTS = 30_000;
const ACTORS = Array.from({ length: 30 }, (_, i) => `agent-${String(i).padStart(2, '0')}`);
const RUN = `load-${Date.now()}`;
const realLoki = Boolean(process.env['LOKI_BIN']);
if (!realLoki)
  process.stderr.write(
    '[real-servers] export-service load test: SKIPPED (no LOKI_BIN: it measures the real Loki)\n'
  );

interface Answer {
  readonly status: number;
  readonly ms: number;
  readonly rows: number;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

(realLoki ? describe : describe.skip)('50 readers and 10 exports from 5 users on the real Loki', () => {
  let loki: LokiServer;
  let grafana: GrafanaDouble;
  let inbox: SmtpInbox;
  let service: ServiceProcess | undefined;
  let events: AccessEvent[];
  const now = Date.now();

  beforeAll(async () => {
    loki = await startLoki();
    process.stderr.write(
      `[real-servers] export-service load test: against a real Loki 3.7.6 at ${loki.url}\n`
    );
    events = accessEvents(EVENTS, now - 55 * 60_000, now - 30_000, ACTORS);
    await pushAccessEvents(loki.url, RUN, events);
    await waitUntilQueryable(loki.url, RUN, now - 60 * 60_000, now, EVENTS);
    const users: TestGrafanaUser[] = [
      ...Array.from({ length: READERS }, (_, i) => `reader-${i}`),
      ...Array.from({ length: EXPORTERS }, (_, i) => `exporter-${i}`),
    ].map((login) => ({ login, email: `${login}@acme.test`, name: login }));
    grafana = await startTestGrafana(users);
    inbox = await SmtpInbox.start();
  }, 180_000);

  afterAll(async () => {
    await service?.dispose();
    await inbox?.stop();
    await grafana?.stop();
    await loki?.dispose();
  });

  it('answers every reader without a 5xx and completes every export exactly once', async () => {
    const metricsPort = await freePort();
    service = await ServiceProcess.start({
      ...serviceEnv({ lokiUrl: loki.url, run: RUN, grafana, inbox }),
      METRICS_PORT: String(metricsPort),
      ZIP_OVER_BYTES: String(1024 ** 3),
      ATTACHMENT_MAX_BYTES: String(1024 ** 3),
      LOG_LEVEL: 'warn',
      // The shipped per-user rate limit: a reader served from a shared answer can ask faster than it allows.
      RATE_LIMIT_PER_SECOND: '10',
      RATE_LIMIT_BURST: '20',
      ...(UNBOUNDED
        ? {
            LOKI_MAX_IN_FLIGHT: '100000',
            LOKI_QUEUE: '100000',
            LOKI_QUEUE_WAIT_MS: '3600000',
            LOKI_SHARE_SECONDS: '0',
            LOKI_EXPORT_MAX_IN_FLIGHT: '100000',
            RATE_LIMIT_PER_SECOND: '100000',
            RATE_LIMIT_BURST: '100000',
          }
        : {}),
      ...SERVICE_ENV,
    });
    const base = service.url;
    const api = new ServiceClient(base);

    // The exports start with the readers.
    const exports: Array<{ login: string; job: ExportJob }> = [];
    for (let e = 0; e < EXPORTERS; e++) {
      for (let k = 0; k < EXPORTS_EACH; k++) {
        const login = `exporter-${e}`;
        const job = await api.createExport(login, {
          from: new Date(now - 60 * 60_000).toISOString(),
          to: new Date(now).toISOString(),
          format: k === 0 ? 'csv' : 'xlsx',
        });
        exports.push({ login, job });
      }
    }

    const answers: Answer[] = [];
    const failures: string[] = [];
    const started = Date.now();
    const until = started + SECONDS * 1000;
    const reader = async (i: number): Promise<void> => {
      const headers = ServiceClient.headers(`reader-${i}`);
      for (let n = 0; Date.now() < until; n++) {
        // Each reader looks at one agent's logins of the last hour, as the page does when it is opened.
        const to = Date.now();
        const params = new URLSearchParams({
          from: String(to - 3600_000),
          to: String(to),
          user: ACTORS[(i + n) % ACTORS.length]!,
          limit: '100',
        });
        const t0 = performance.now();
        try {
          const res = await fetch(`${base}/api/v1/logs/access?${params}`, {
            headers,
            signal: AbortSignal.timeout(60_000),
          });
          const body = (await res.json()) as LogsResponse | { retryAfter?: number };
          const ms = performance.now() - t0;
          const rows = res.status === 200 ? (body as LogsResponse).rows.length : 0;
          answers.push({ status: res.status, ms, rows });
          if (res.status === 429) {
            const wait = Number(res.headers.get('retry-after') ?? 1);
            await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 5) * 1000));
          }
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    await Promise.all(Array.from({ length: READERS }, (_, i) => reader(i)));
    const elapsed = (Date.now() - started) / 1000;

    const done = await Promise.all(
      exports.map(({ login, job }) =>
        api.waitForJob(login, job.id, (j) => j.status === 'done' || j.status === 'failed', 600_000, 500)
      )
    );
    const exportsEnded = (Date.now() - started) / 1000;

    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const queries = Object.fromEntries(
      [...metrics.matchAll(/^auditlens_loki_queries_total\{outcome="(\w+)"\} (\d+)/gm)].map((m) => [
        m[1],
        Number(m[2]),
      ])
    );
    const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    const ok = answers.filter((a) => a.status === 200);
    const rows = ok.reduce((n, a) => n + a.rows, 0);
    const over5s = answers.filter((a) => a.ms > 5000).length;
    const figures = [
      `load test${UNBOUNDED ? ' (UNBOUNDED: Loki limits lifted)' : ''}${Object.keys(SERVICE_ENV).length ? ` (${JSON.stringify(SERVICE_ENV)})` : ''}: ${READERS} readers for ${elapsed.toFixed(1)} s, ${exports.length} exports of ${EVENTS} rows`,
      `  answers: ${answers.length} (${(answers.length / elapsed).toFixed(1)}/s), by status ${JSON.stringify(Object.fromEntries(byStatus))}, failed requests ${failures.length}`,
      `  latency ms: p50 ${percentile(latencies, 50).toFixed(0)}, p99 ${percentile(latencies, 99).toFixed(0)}, max ${(latencies.at(-1) ?? NaN).toFixed(0)}; over 5 s: ${over5s}`,
      `  data-route queries: ${JSON.stringify(queries)} (queried at Loki, shared with an identical one, shed)`,
      `  served: ${ok.length} lists (${(ok.length / elapsed).toFixed(1)}/s), ${rows} rows (${(rows / elapsed).toFixed(0)} rows/s)`,
      `  exports: ${done.filter((j) => j.status === 'done').length} of ${done.length} done, all ended ${exportsEnded.toFixed(1)} s after the start`,
    ];
    process.stderr.write(`[load] ${figures.join('\n[load] ')}\n`);

    expect(failures).toEqual([]);
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect([...byStatus.keys()].every((s) => s === 200 || s === 429)).toBe(true);
    expect(ok.length).toBeGreaterThan(0);
    expect(done.map((j) => j.status)).toEqual(exports.map(() => 'done'));
    expect(done.map((j) => j.rows)).toEqual(exports.map(() => EVENTS));
    // Exactly one mail per export, each with every event once.
    expect(inbox.messages).toHaveLength(exports.length);
    const expected = new Set(events.map((e) => e.id));
    const subjects = new Map<string, number>();
    for (const mail of inbox.messages) {
      const to = mail.to && 'text' in mail.to ? mail.to.text : '';
      subjects.set(to, (subjects.get(to) ?? 0) + 1);
      if (mail.attachments[0]!.filename!.endsWith('.csv')) {
        const ids = await eventIdsOf(mail);
        expect(ids).toHaveLength(EVENTS);
        expect(new Set(ids)).toEqual(expected);
      } else {
        expect(mail.text).toMatch(new RegExp(`Rows:\\s+${EVENTS}`));
      }
    }
    expect(Object.fromEntries(subjects)).toEqual(
      Object.fromEntries(
        Array.from({ length: EXPORTERS }, (_, e) => [`exporter-${e}@acme.test`, EXPORTS_EACH])
      )
    );
  }, 900_000);
});
