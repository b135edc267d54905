import { createAuditEmitter, InMemoryAuditExporter } from '@auditlens/emitter';
import { DemoTraffic } from '../src/generator';

async function run(seed: number, calls: number): Promise<InMemoryAuditExporter> {
  const exporter = new InMemoryAuditExporter();
  const audit = createAuditEmitter({
    serviceName: 'helpdesk',
    exporter,
    throwOnInvalid: true,
    maxQueueSize: 100_000,
  });
  const traffic = new DemoTraffic(seed);
  for (let i = 0; i < calls; i++) traffic.next()(audit);
  await audit.shutdown();
  return exporter;
}

describe('DemoTraffic', () => {
  it('produces only valid events of all four types, with social logins, impersonation and failed-login bursts', async () => {
    const records = (await run(42, 5000)).records();
    expect(records).toHaveLength(5000);
    const types = new Set(records.map((r) => r.logType));
    expect([...types].sort()).toEqual(['access', 'activity', 'integration_failure', 'webhook_failure']);
    const access = records.filter((r) => r.logType === 'access').map((r) => r.attributes);
    expect(new Set(access.map((a) => a['audit.login_source']))).toEqual(
      new Set(['form', 'google', 'microsoft', 'saml', 'apple'])
    );
    expect(access.some((a) => a['audit.action'] === 'impersonation_start')).toBe(true);
    // A burst: at least 6 consecutive failed logins from one IP.
    let longest = 0;
    let streak = 0;
    let lastIp: unknown;
    for (const r of records) {
      const failed = r.logType === 'access' && r.attributes['audit.action'] === 'login_failed';
      streak = failed && r.attributes['client.address'] === lastIp ? streak + 1 : failed ? 1 : 0;
      lastIp = failed ? r.attributes['client.address'] : undefined;
      longest = Math.max(longest, streak);
    }
    expect(longest).toBeGreaterThanOrEqual(6);
    const categories = new Set(
      records.filter((r) => r.logType === 'activity').map((r) => r.attributes['audit.category'])
    );
    expect(categories.size).toBeGreaterThanOrEqual(10);
    // Demo secrets are redacted like real ones.
    expect(JSON.stringify(records)).not.toContain('sk_live_demo');
    expect(JSON.stringify(records)).not.toContain('s3cr3t');
  });

  it('replays the same traffic from the same seed', async () => {
    const strip = (e: InMemoryAuditExporter) =>
      e.records().map((r) => ({
        ...r.attributes,
        // Random by design: ids, and the hashes that cover them.
        'audit.event_id': undefined,
        'audit.chain.id': undefined,
        'audit.chain.hash': undefined,
        'audit.chain.prev': undefined,
        body: r.body,
      }));
    expect(strip(await run(7, 300))).toEqual(strip(await run(7, 300)));
  });
});
