/**
 * Fault: Loki stops in the middle of an export and comes back. The export waits (each request retried with
 * backoff, then the whole export tried again later) and ends with one mail holding every event exactly once.
 * Needs the real Loki (LOKI_BIN): a double that stops and restarts proves nothing about Loki's own restart.
 */
import { startLoki, type LokiServer, SmtpInbox } from '@auditlens/testkit';
import type { GrafanaDouble } from '@auditlens/testkit';
import { JANE, startTestGrafana } from '../support/grafana';
import { serviceEnv } from '../support/service-env';
import {
  accessEvents,
  pushAccessEvents,
  waitUntilQueryable,
  type AccessEvent,
} from '../support/audit-events';
import { ServiceClient } from '../support/service-client';
import { readZipEntries, sheetRows } from '../support/xlsx-reader';
import { ServiceProcess } from '../support/service-process';

const EVENTS = 20_000;
const RUN = `loki-restart-${Date.now()}`;
const realLoki = Boolean(process.env['LOKI_BIN']);
if (!realLoki)
  process.stderr.write('[real-servers] export-service fault test: Loki restart: SKIPPED (no LOKI_BIN)\n');

(realLoki ? describe : describe.skip)('Loki stopped mid-export and started again', () => {
  let loki: LokiServer;
  let grafana: GrafanaDouble;
  let inbox: SmtpInbox;
  let service: ServiceProcess | undefined;
  let events: AccessEvent[];
  const now = Date.now();

  beforeAll(async () => {
    loki = await startLoki();
    process.stderr.write(
      `[real-servers] export-service fault test: Loki restart: against a real Loki 3.7.6 at ${loki.url}\n`
    );
    events = accessEvents(EVENTS, now - 30 * 60_000, now - 60_000, ['bob', 'omar', 'li']);
    await pushAccessEvents(loki.url, RUN, events);
    await waitUntilQueryable(loki.url, RUN, now - 30 * 60_000, now, EVENTS);
    grafana = await startTestGrafana([JANE]);
    inbox = await SmtpInbox.start();
  }, 180_000);

  afterAll(async () => {
    await service?.dispose();
    await inbox?.stop();
    await grafana?.stop();
    await loki?.dispose();
  });

  it('waits for Loki, tries the export again, and mails every event exactly once', async () => {
    service = await ServiceProcess.start({
      ...serviceEnv({ lokiUrl: loki.url, run: RUN, grafana, inbox }),
      LOKI_MAX_ENTRIES: '500',
      ZIP_OVER_BYTES: String(1024 ** 3),
      ATTACHMENT_MAX_BYTES: String(1024 ** 3),
      EXPORT_RETRY_SECONDS: '1',
    });
    const api = new ServiceClient(service.url);
    const job = await api.createExport('jane', {
      from: new Date(now - 40 * 60_000).toISOString(),
      to: new Date(now).toISOString(),
      format: 'xlsx',
    });
    await api.waitForJob('jane', job.id, (j) => j.status === 'running' && j.rows > 0, 120_000, 10);
    await loki.stop();
    // Each request is retried for a while; then the attempt ends and the export is queued for a later one.
    const waiting = await api.waitForJob('jane', job.id, (j) => j.status !== 'running', 120_000);
    expect(waiting).toMatchObject({ status: 'queued' });
    expect(waiting.error).toMatch(/^Loki did not answer \(attempt 1 of 3\); the export starts again at/);
    expect(inbox.messages).toHaveLength(0);
    await loki.restart();

    const done = await api.waitForJob('jane', job.id, (j) => j.status === 'done' || j.status === 'failed');
    expect(done).toMatchObject({ status: 'done', rows: EVENTS, error: null });
    expect(inbox.messages).toHaveLength(1);
    const ids = await eventIdsInXlsx(inbox.messages[0]!.attachments[0]!.content);
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));
  }, 300_000);
});

/** The event ids of an XLSX export (its last column), read from the file's zip, not with exceljs. */
async function eventIdsInXlsx(file: Buffer): Promise<string[]> {
  const rows = sheetRows((await readZipEntries(file)).get('xl/worksheets/sheet1.xml')!);
  return rows.slice(1).map((r) => r.at(-1)!.value);
}
