// A service recording audit events, run as a child process of the integrity tests (the OpenTelemetry
// exporters need dynamic imports, which jest's sandbox refuses). Records `count` access events through
// @auditlens/emitter, flushing every `every` (a signed checkpoint each time), events `sameTimeFrom` to
// `sameTimeTo` sharing one timestamp. Then either shuts down (a final checkpoint) and exits, or, with `crash`,
// says "flushed" once all is delivered and waits to be killed with SIGKILL (no final checkpoint).
const { createAuditEmitter } = require('@auditlens/emitter');

const config = JSON.parse(process.env.PRODUCER_CONFIG);
const errors = [];
const audit = createAuditEmitter({
  serviceName: config.serviceName,
  endpoint: config.endpoint,
  protocol: 'json',
  scheduledDelayMillis: 20,
  maxExportBatchSize: 16,
  onError: (e) => errors.push(`${e.kind}: ${e.message}`),
  integrity: {
    signingKey: { keyId: config.keyId, privateKey: config.privateKeyPem },
    checkpointEveryRecords: config.every,
    checkpointEveryMillis: 3_600_000,
  },
});
const sameTime = new Date(Date.now() - 500);

async function main() {
  for (let i = 0; i < config.count; i++) {
    if (i > 0 && i % config.every === 0) await audit.flush();
    const shared = config.sameTimeFrom !== undefined && i >= config.sameTimeFrom && i < config.sameTimeTo;
    audit.access({
      user: { id: `u-${i}`, name: `user ${i}` },
      action: i % 5 === 0 ? 'login_failed' : 'login',
      portal: 'agent',
      loginSource: 'form',
      ip: `203.0.113.${i % 250}`,
      time: shared ? sameTime : undefined,
    });
  }
  if (config.crash) {
    await audit.flush();
    process.stdout.write(`flushed ${JSON.stringify({ stats: audit.stats(), errors })}\n`);
    setInterval(() => undefined, 1000);
    return;
  }
  await audit.shutdown();
  process.stdout.write(`done ${JSON.stringify({ stats: audit.stats(), errors })}\n`);
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
